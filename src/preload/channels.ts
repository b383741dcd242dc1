// The wire between the preload and src/main: one invoke channel for every call (LossbookApi
// calls and shell calls, validated in main), and two channels main sends on. Types only plus
// string constants: the sandboxed preload cannot require anything but `electron`.

export const IPC_CALL_CHANNEL = 'lossbook:call';
export const IPC_EVENT_CHANNEL = 'lossbook:host-event';
export const IPC_MENU_CHANNEL = 'lossbook:menu-command';

/** Electron replaces a rejected invoke's message with its own; results travel in an envelope instead. */
export type IpcEnvelope = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; code?: string } };

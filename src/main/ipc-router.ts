// The one IPC handler. Before anything runs it checks who sent the call (a notebook window we
// created, its main frame, showing our renderer URL) and what was sent (ApiCallSchema, derived
// from the API table, or ShellCallSchema, both in src/shared/api.ts). The host validates ApiCalls again: never trust the
// renderer (design.md).
import { ipcResult } from '../shared/raw-json';
import { ApiCallSchema, ShellCallSchema, type ApiCall, type ShellCall } from '../shared/api';
import type { Disposable } from '../shared/protocol';
import { IPC_CALL_CHANNEL, type IpcEnvelope } from '../preload/channels';
import type { IpcInvokeEventSurface, IpcMainSurface } from './electron-surface';

/** What answers a validated call: a notebook window. */
export interface CallTarget {
  handleApiCall(call: ApiCall): Promise<unknown>;
  handleShellCall(call: ShellCall): Promise<unknown>;
}

export interface IpcRouterOptions {
  /** The notebook window whose web contents has this id, if it is one of ours. */
  targetFor(webContentsId: number): CallTarget | undefined;
  isTrustedUrl(url: string): boolean;
  log?(message: string): void;
}

export class IpcRejection extends Error {
  override readonly name = 'IpcRejection';
}

export type ValidatedCall = { kind: 'api'; call: ApiCall } | { kind: 'shell'; call: ShellCall };

/** Check the sender and the payload; throws IpcRejection (with a reason for the log) when either is wrong. */
export function validateIpcCall(event: IpcInvokeEventSurface, payload: unknown, options: IpcRouterOptions): { target: CallTarget; validated: ValidatedCall } {
  const target = options.targetFor(event.sender.id);
  if (!target) throw new IpcRejection('the sender is not a Lossbook notebook window');
  const frame = event.senderFrame;
  if (!frame) throw new IpcRejection('the sending frame is gone');
  if (frame.parent !== null) throw new IpcRejection('the sender is a subframe, not the notebook page');
  if (!options.isTrustedUrl(frame.url)) throw new IpcRejection(`the sender's URL is not the Lossbook renderer (${frame.url.slice(0, 200)})`);
  const shell = ShellCallSchema.safeParse(payload);
  if (shell.success) return { target, validated: { kind: 'shell', call: shell.data } };
  const api = ApiCallSchema.safeParse(payload);
  if (api.success) return { target, validated: { kind: 'api', call: api.data } };
  const method = typeof payload === 'object' && payload !== null && 'method' in payload ? String((payload as { method: unknown }).method).slice(0, 60) : typeof payload;
  throw new IpcRejection(`invalid call (${method}): ${api.error.issues.map((issue) => `${issue.path.join('.') || 'call'}: ${issue.message}`).join('; ')}`);
}

export function errorEnvelope(error: unknown): IpcEnvelope {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, error: { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { ok: false, error: { name: 'Error', message: String(error) } };
}

/** Register the handler on ipcMain; dispose removes it. */
export function registerIpcRouter(ipcMain: IpcMainSurface, options: IpcRouterOptions): Disposable {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, payload: unknown): Promise<IpcEnvelope> => {
    let routed: ReturnType<typeof validateIpcCall>;
    try {
      routed = validateIpcCall(event, payload, options);
    } catch (error) {
      options.log?.(`rejected an IPC call: ${(error as Error).message}`);
      return errorEnvelope(error);
    }
    try {
      const { target, validated } = routed;
      const value = validated.kind === 'shell' ? await target.handleShellCall(validated.call) : await target.handleApiCall(validated.call);
      // A raw JSON result (the runs listing) crosses as one string; the page's client parses it.
      return { ok: true, value: ipcResult(value) };
    } catch (error) {
      return errorEnvelope(error);
    }
  });
  return { dispose: () => ipcMain.removeHandler(IPC_CALL_CHANNEL) };
}

// Inside the kernel's utilityProcess: Electron gives the child `process.parentPort`
// (MessagePortMain, messages arrive as `{ data }`), while the kernel speaks Node IPC
// (`process.send`, `process.on('message')`). This bridges the two, so the kernel needs no
// Electron-specific code (design.md: the kernel imports only src/shared).

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface BridgedProcess {
  send?: unknown;
  connected?: boolean;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

export function installParentPortBridge(target: BridgedProcess, port: ParentPortLike): void {
  target.send = (message: unknown, ...rest: unknown[]): boolean => {
    port.postMessage(message);
    const callback = rest.find((value) => typeof value === 'function') as ((error: Error | null) => void) | undefined;
    callback?.(null);
    return true;
  };
  Object.defineProperty(target, 'connected', { value: true, configurable: true, writable: true });
  port.on('message', (event) => {
    target.emit('message', event.data);
  });
}

// This page's key for its untitled autosaves (browser mode): the notebook store keys its
// autosave with it and the API client announces it on the server socket, so the server knows
// which autosaves belong to pages still open and does not offer them to another tab.
// A reload or a second tab gets a new key.
let key: string | undefined;

export function pageSessionKey(): string {
  key ??= globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return key;
}

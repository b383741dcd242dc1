// Recently opened and saved notebooks, for browser mode's Open and Save dialogs (Electron keeps
// its own list in the native menu). Kept in the page's localStorage: per browser and per server
// address, which is where browser mode's files live.
const KEY = 'lossbook.recent-files';
const KEPT = 10;

export function recentFiles(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string').slice(0, KEPT) : [];
  } catch {
    return [];
  }
}

/** Put `path` first; a full or unavailable storage only loses the list, never the action. */
export function rememberRecentFile(path: string, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify([path, ...recentFiles(storage).filter((item) => item !== path)].slice(0, KEPT)));
  } catch {
    // Private mode or quota: recents are a convenience.
  }
}

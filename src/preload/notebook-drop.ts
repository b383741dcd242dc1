// Files dropped on the window: the preload turns each dropped .lossbook into its real path
// (only the preload can ask Electron for it) and main opens it. No imports: see ipc-transport.ts.

export interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (event: DragEventLike) => void): void;
}
export interface DragEventLike {
  preventDefault(): void;
  dataTransfer: { types: readonly string[]; files: ArrayLike<{ name: string }> } | null;
}

/** Files dropped on the window: each .lossbook opens (in its own window, main decides). */
export function installNotebookDrop(target: DropTarget, pathForFile: (file: { name: string }) => string, openFiles: (paths: string[]) => void): void {
  const hasFiles = (event: DragEventLike): boolean => event.dataTransfer?.types.includes('Files') ?? false;
  target.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  target.addEventListener('drop', (event) => {
    if (!hasFiles(event) || !event.dataTransfer) return;
    const paths = Array.from(event.dataTransfer.files)
      .filter((file) => file.name.toLowerCase().endsWith('.lossbook'))
      .map((file) => pathForFile(file))
      .filter((path) => path.length > 0);
    if (paths.length === 0) return;
    event.preventDefault();
    openFiles(paths);
  });
}

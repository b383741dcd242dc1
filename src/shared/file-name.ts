// The last part of a path as the page shows it (a POSIX or Windows path: the host may be either).
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop()!;
}

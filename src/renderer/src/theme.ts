// Dark or light: the OS preference (prefers-color-scheme), unless the Electron View menu forced
// one. Either way the result is written to <html data-theme>, which the stylesheet's palette
// follows; Monaco and the charts read colors here and listen for changes.
import type { ThemeChoice } from '../../shared/api';
import type { Disposable } from '../../shared/protocol';

const query = window.matchMedia('(prefers-color-scheme: dark)');
let choice: ThemeChoice = 'system';

function apply(): void {
  document.documentElement.dataset.theme = choice === 'system' ? (query.matches ? 'dark' : 'light') : choice;
}
query.addEventListener('change', () => {
  if (choice === 'system') apply();
});
// Set as this module is first imported: before Monaco and the charts read it.
apply();

/** Follow the OS ('system') or force a theme; applied at once. */
export function setTheme(next: ThemeChoice): void {
  choice = next;
  apply();
}

export function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}

export function onThemeChange(listener: () => void): Disposable {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return { dispose: () => observer.disconnect() };
}

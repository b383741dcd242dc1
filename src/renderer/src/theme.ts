// Dark or light: the OS preference (prefers-color-scheme), unless the Electron View menu forced
// one through <html data-theme>. Monaco and the charts read colors here, the rest is CSS.
import type { Disposable } from '../../shared/protocol';

const query = window.matchMedia('(prefers-color-scheme: dark)');

export function isDark(): boolean {
  const forced = document.documentElement.dataset.theme;
  return forced ? forced === 'dark' : query.matches;
}

export function onThemeChange(listener: () => void): Disposable {
  query.addEventListener('change', listener);
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return {
    dispose: () => {
      query.removeEventListener('change', listener);
      observer.disconnect();
    },
  };
}

// Popovers built on <details data-popover> (the backend list in the memory strip) close the way
// menus do: Esc, or a click anywhere outside them. <details> alone stays open until its summary
// is clicked again.
import type { Disposable } from '../../shared/protocol';

function closeOpen(except?: Node): boolean {
  let closed = false;
  for (const popover of document.querySelectorAll<HTMLDetailsElement>('details[data-popover][open]')) {
    if (except && popover.contains(except)) continue;
    popover.open = false;
    closed = true;
  }
  return closed;
}

export function closePopoversOnOutsideClickOrEscape(target: Window = window): Disposable {
  const onPointer = (event: MouseEvent) => closeOpen(event.target as Node);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && closeOpen()) event.stopPropagation();
  };
  target.addEventListener('mousedown', onPointer, true);
  target.addEventListener('keydown', onKey, true);
  return {
    dispose: () => {
      target.removeEventListener('mousedown', onPointer, true);
      target.removeEventListener('keydown', onKey, true);
    },
  };
}

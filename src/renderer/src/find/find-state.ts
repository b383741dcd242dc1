// Whether the notebook's find bar is open, and with the replace row; opened by Ctrl+F / Ctrl+H in
// command mode and from the palette.
import { shallowRef } from 'vue';

export const findBar = shallowRef<{ replace: boolean; seq: number } | undefined>();
let seq = 0;

export function openFind(replace = false): void {
  findBar.value = { replace: replace || Boolean(findBar.value?.replace), seq: ++seq };
}

export function closeFind(): void {
  findBar.value = undefined;
}

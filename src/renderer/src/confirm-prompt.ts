// A yes/no question to the user, answered in a ConfirmDialog (restart the kernel?, overwrite a
// file changed on disk?): `current` is what the dialog shows, `ask` waits for the answer. A
// newer question answers an open one "no" and takes its place; the older one's answer never
// clears the newer one from the screen.
import { shallowRef, type ShallowRef } from 'vue';

export type Prompt<Details> = Details & { resolve(yes: boolean): void };

export interface ConfirmPrompt<Details> {
  readonly current: ShallowRef<Prompt<Details> | undefined>;
  ask(details: Details): Promise<boolean>;
}

export function createConfirmPrompt<Details extends object>(): ConfirmPrompt<Details> {
  const current = shallowRef<Prompt<Details> | undefined>();
  return {
    current,
    async ask(details) {
      current.value?.resolve(false);
      let mine: Prompt<Details> | undefined;
      const answer = await new Promise<boolean>((resolve) => (current.value = mine = { ...details, resolve }));
      if (current.value === mine) current.value = undefined;
      return answer;
    },
  };
}

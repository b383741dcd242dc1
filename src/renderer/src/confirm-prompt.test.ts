import { describe, expect, it } from 'vitest';
import { createConfirmPrompt } from './confirm-prompt';

describe('a yes/no question to the user', () => {
  it('shows the question until it is answered, and answers with the choice', async () => {
    const question = createConfirmPrompt<{ name: string }>();
    const answer = question.ask({ name: 'a.lossbook' });
    expect(question.current.value?.name).toBe('a.lossbook');
    question.current.value!.resolve(true);
    expect(await answer).toBe(true);
    expect(question.current.value).toBeUndefined();
  });

  it('a newer question answers the open one "no" and stays on screen', async () => {
    const question = createConfirmPrompt<{ name: string }>();
    const older = question.ask({ name: 'older' });
    const newer = question.ask({ name: 'newer' });
    expect(await older).toBe(false);
    // The older one's answer must not clear the newer question.
    expect(question.current.value?.name).toBe('newer');
    question.current.value!.resolve(true);
    expect(await newer).toBe(true);
    expect(question.current.value).toBeUndefined();
  });
});

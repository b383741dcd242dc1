import { describe, expect, it } from 'vitest';
import { ShellSettings } from './settings';

const storage = (text: string | undefined) => ({ read: async () => text, write: async () => undefined });

describe('ShellSettings', () => {
  it('reads the remembered theme', async () => {
    const settings = new ShellSettings(storage(JSON.stringify({ version: 1, theme: 'dark' })));
    await settings.load();
    expect(settings.theme).toBe('dark');
  });

  it.each([undefined, '{ broken', JSON.stringify({ version: 1, theme: 'neon' }), JSON.stringify({ version: 2, theme: 'dark' })])('falls back to the system theme for %s', async (text) => {
    const settings = new ShellSettings(storage(text));
    await settings.load();
    expect(settings.theme).toBe('system');
  });
});

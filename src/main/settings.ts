// What the desktop shell remembers between launches besides recent documents: the theme
// chosen in View → Theme. Stored as JSON in the user data folder; a damaged file is ignored.
import { z } from 'zod';
import { ThemeChoiceSchema, type ThemeChoice } from '../shared/api';
import type { RecentDocumentsStorage } from './documents';

const SettingsFileSchema = z.object({ version: z.literal(1), theme: ThemeChoiceSchema.default('system') });

export class ShellSettings {
  private currentTheme: ThemeChoice = 'system';

  constructor(private readonly storage: RecentDocumentsStorage) {}

  async load(): Promise<void> {
    const text = await this.storage.read();
    if (!text) return;
    try {
      const parsed = SettingsFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) this.currentTheme = parsed.data.theme;
    } catch {
      this.currentTheme = 'system';
    }
  }

  get theme(): ThemeChoice {
    return this.currentTheme;
  }

  async setTheme(theme: ThemeChoice): Promise<void> {
    this.currentTheme = theme;
    await this.storage.write(JSON.stringify({ version: 1, theme }, null, 2));
  }
}

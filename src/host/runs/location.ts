// Where the run store lives: --runs-db PATH, else LOSSBOOK_RUNS_DB, else the user data folder
// (Electron passes app.getPath('userData'); the CLI uses the platform's data folder, XDG on Linux).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const RUN_STORE_FILE = 'runs.db';

/**
 * The folder the packaged desktop app's app.getPath('userData') is on each platform (Electron:
 * %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME or ~/.config, then the product
 * name), so the CLI, browser mode and the app record into one store without configuration.
 */
export function userDataFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Lossbook');
  // The folder Electron's app.getPath('userData') gives on macOS, so the app and the CLI share one store.
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Lossbook');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Lossbook');
}

/** The store to use: an explicit path wins, then LOSSBOOK_RUNS_DB, then `<dataFolder>/runs.db`. */
export function runStorePath(options: { flag?: string; env?: NodeJS.ProcessEnv; dataFolder?: string } = {}): string {
  const env = options.env ?? process.env;
  if (options.flag) return resolve(options.flag);
  if (env.LOSSBOOK_RUNS_DB) return resolve(env.LOSSBOOK_RUNS_DB);
  return join(options.dataFolder ?? userDataFolder(env), RUN_STORE_FILE);
}

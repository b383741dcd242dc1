// The CLI finds the packaged app's store by default: Electron's userData folder on each platform.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStorePath, userDataFolder } from './location';

describe('where the run store lives', () => {
  it('is the packaged app’s userData folder on Linux, macOS and Windows', () => {
    expect(userDataFolder({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Lossbook');
    expect(userDataFolder({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ada')).toBe('/cfg/Lossbook');
    expect(userDataFolder({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Lossbook');
    expect(userDataFolder({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(join('C:\\Users\\ada\\AppData\\Roaming', 'Lossbook'));
  });

  it('takes --runs-db first, then LOSSBOOK_RUNS_DB, then the data folder', () => {
    expect(runStorePath({ flag: '/tmp/a.db', env: { LOSSBOOK_RUNS_DB: '/tmp/b.db' } })).toBe('/tmp/a.db');
    expect(runStorePath({ env: { LOSSBOOK_RUNS_DB: '/tmp/b.db' } })).toBe('/tmp/b.db');
    expect(runStorePath({ env: {}, dataFolder: '/data' })).toBe('/data/runs.db');
  });
});

import { defineConfig } from 'vitest/config';

// Browser tests: Playwright (playwright-core) drives real Chromium against browser mode.
// Electron-mode tests run where an Electron binary exists and are reported skipped otherwise.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['scripts/test-global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-e2e.json' }]] : ['default'],
  },
});

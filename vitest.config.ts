import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Unit and integration tests sit beside the code as *.test.ts. Training tests run real tfjs on
// wasm/cpu, so they get generous timeouts; they are deterministic, never timed.
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['scripts/test-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-unit.json' }]] : ['default'],
  },
});

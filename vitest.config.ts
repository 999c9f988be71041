import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Captures what every bot process printed and every message it sent, and scans it all for secrets at the end.
    globalSetup: ['test/support/capture-setup.ts'],
    setupFiles: ['test/support/fast-check-setup.ts', 'test/support/snapshot-setup.ts'],
  },
});

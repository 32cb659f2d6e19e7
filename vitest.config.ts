import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Prints which tests were skipped for want of Chromium or poppler, once, at the end of the run.
    globalSetup: ['test/support/global-setup.ts'],
  },
});

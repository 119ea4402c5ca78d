import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes (oscap, sshd); two cores here.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

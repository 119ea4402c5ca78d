import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes (oscap, sshd) on two cores here, but much of their time
    // is spent waiting (moto, the sandbox's backoffs, sshd logins): a third worker fills it. Measured
    // 2026-12-03: 727 s with 2 workers, 622 s with 3, every test passing.
    maxWorkers: 3,
    minWorkers: 1,
    setupFiles: ['./test/support/yield-between-tests.ts'],
    // @actions/workflow-parser imports its JSON schema without an import attribute, which Node's own
    // loader refuses: vite transforms it instead
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      // Pure logic: no processes, sockets or AWS; seconds. `npm test` runs it first and stops on a failure.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The real parts: packer, terraform, oscap, sshd, moto, the EC2 sandbox, the dist bundles.
      { extends: true, test: { name: 'integration', include: ['test/*.test.ts'] } },
    ],
  },
});

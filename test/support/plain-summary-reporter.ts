/** Ends a vitest run with one plain line, `tests: N passed, N failed, N skipped`, for CI log readers. */
import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

export default class PlainSummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (t: RunnerTask) => {
      if (t.type === 'test') {
        const s = t.result?.state;
        if (s === 'pass') passed++;
        else if (s === 'fail') failed++;
        else skipped++;
      } else if ('tasks' in t) t.tasks.forEach(walk);
    };
    files.forEach(walk);
    // a file that failed to load counts as a failure
    failed +=
      files.filter((f) => f.result?.state === 'fail' && f.tasks.length === 0).length +
      (errors.length ? 1 : 0);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

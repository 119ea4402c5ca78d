/**
 * Lets each test worker's event loop turn between tests. vitest's worker reads the replies to its
 * own RPC calls (onTaskUpdate, every 100 ms of test progress) only when its loop polls; tests that
 * run synchronously one after another (spawnSync of packer, git, the CLI bundle) never let it, and
 * once that lasts 60 s, birpc's fixed timeout raises "Timeout calling onTaskUpdate": an unhandled
 * error that fails the run with every test passed (vitest-dev/vitest#6479, discussion 6511).
 */
import { afterAll, afterEach, expect } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

// diagnostic: AMI_BAKERY_LOOP_WATCH=1 logs the longest stretch the worker's loop did not turn
if (process.env.AMI_BAKERY_LOOP_WATCH) {
  let last = Date.now();
  let worst = 0;
  const t = setInterval(() => {
    const now = Date.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 250);
  t.unref();
  afterAll(() => {
    clearInterval(t);
    process.stderr.write(`loop-watch ${expect.getState().testPath}: worst stall ${worst} ms\n`);
  });
}

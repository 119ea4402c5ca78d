/** A 100 MB ARF parses with bounded memory (streaming), to the same result as the small one. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, ROOT, tmpDir } from './helpers.js';
import { generateLargeArf } from './support/large-arf.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** In a child process (its own peak RSS), awaited: a long synchronous call would stall vitest's worker RPC. */
async function measure(file: string) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/support/parse-and-measure.ts'), file],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('large ARF', () => {
  it('a 100 MB ARF gives the same counts as the 15 MB one, in well under 300 MB of memory', async () => {
    const big = path.join(dir, 'big-arf.xml');
    const size = generateLargeArf(ARF_FIXTURE, big, 100 * 1024 * 1024);
    expect(size).toBeGreaterThanOrEqual(100 * 1024 * 1024);
    const small = await measure(ARF_FIXTURE);
    const large = await measure(big);
    expect(large.counts).toEqual(small.counts);
    expect(large.findings).toBe(small.findings);
    // Reading the whole file into a string would need > 200 MB (UTF-16) before parsing starts.
    expect(large.maxRssMB).toBeLessThan(small.maxRssMB + 100);
    expect(large.maxRssMB).toBeLessThan(300);
    process.stdout.write(
      `100 MB ARF: peak RSS ${large.maxRssMB.toFixed(0)} MB (15 MB: ${small.maxRssMB.toFixed(0)} MB)\n`,
    );
  });
});

/**
 * Fail closed on what was added since the last trust pass (issue 22), through the committed bundles
 * as the runner runs them. Each case failed before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputValue, runActionBundle, tmpDir } from './helpers.js';

/** InSpec JSON reporter output, written here in its shape: controls whose results are given. */
function inspecResults(controls: Array<{ id: string; results: Array<{ status: string }> }>): string {
  return JSON.stringify({
    platform: { name: 'ubuntu', release: '22.04' },
    profiles: [
      {
        name: 'hardening',
        version: '1.0.0',
        controls: controls.map((c) => ({ id: c.id, title: c.id, impact: 0.5, tags: {}, results: c.results })),
      },
    ],
    statistics: { duration: 1 },
    version: '5.22.0',
  });
}

describe('a scan that evaluated nothing is an error, never a pass (issue 22: 2)', () => {
  it.each([
    [
      'every control skipped',
      [
        { id: 'a', results: [{ status: 'skipped' }] },
        { id: 'b', results: [{ status: 'skipped' }] },
      ],
    ],
    ['no results at all', [{ id: 'a', results: [] }]],
  ])('%s', async (_, controls) => {
    const root = tmpDir();
    fs.writeFileSync(path.join(root, 'inspec.json'), inspecResults(controls));
    const r = await runActionBundle(
      'action-scan',
      {
        target: 'results',
        results: path.join(root, 'inspec.json'),
        'report-file': 'out/scan.json',
        'sarif-file': 'out/scan.sarif',
        'report-html': 'none',
        'fail-on': 'implemented',
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /^::error::Input "results": evaluated nothing: none of \d+ rule result\(s\) passed or failed/m,
    );
    expect(outputValue(r.outputs, 'gate')).toBeUndefined();
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
  });
});

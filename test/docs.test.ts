import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VERSION } from '../shared/src/version.js';
import { ROOT } from './helpers.js';

describe('docs and metadata', () => {
  it('README action tables match action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-readme.mjs'), '--check'], {
        cwd: ROOT,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('every action.yml is complete: name, description, branding, node24, described inputs and outputs', () => {
    const actions = fs
      .readdirSync(ROOT)
      .filter((d) => d.startsWith('action-') && fs.existsSync(path.join(ROOT, d, 'action.yml')));
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      const doc = parse(fs.readFileSync(path.join(ROOT, a, 'action.yml'), 'utf8'));
      expect(doc.name, a).toBeTruthy();
      expect(doc.description, a).toBeTruthy();
      expect(doc.branding, a).toMatchObject({ icon: expect.any(String), color: expect.any(String) });
      expect(doc.runs, a).toMatchObject({ using: 'node24', main: 'dist/index.js' });
      for (const [n, spec] of Object.entries<any>(doc.inputs))
        expect(spec.description, `${a} input ${n}`).toBeTruthy();
      for (const [n, spec] of Object.entries<any>(doc.outputs))
        expect(spec.description, `${a} output ${n}`).toBeTruthy();
    }
  });

  it('the version in SARIF matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

/**
 * The CLI users run: bin/ami-bakery.mjs and the committed bundle behind it (cli/dist), copied with
 * what it reads, each action's action.yml (inputs) and dist/ (the stage code, the same bundle the
 * runner runs), and nothing else: no node_modules, no TypeScript loader, no sources.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, parseCliOutputs, ROOT, tmpDir } from './helpers.js';

describe('the CLI bundle (bin/ami-bakery.mjs → cli/dist)', () => {
  let home: string;
  beforeAll(() => {
    home = tmpDir('ami-bakery-cli-bundle-');
    fs.cpSync(path.join(ROOT, 'bin'), path.join(home, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'cli', 'dist'), path.join(home, 'cli', 'dist'), { recursive: true });
    for (const stage of ['action-bake', 'action-verify', 'action-scan', 'action-promote']) {
      fs.cpSync(path.join(ROOT, stage, 'action.yml'), path.join(home, stage, 'action.yml'));
      fs.cpSync(path.join(ROOT, stage, 'dist'), path.join(home, stage, 'dist'), { recursive: true });
    }
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'hardening'), path.join(home, 'hardening'), {
      recursive: true,
    });
  });

  const cli = (args: string[]) =>
    spawnSync(process.execPath, [path.join(home, 'bin', 'ami-bakery.mjs'), ...args], {
      cwd: home,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home },
    });

  it('lists the stages and a stage’s inputs and outputs from its action.yml', () => {
    const usage = cli([]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(
      /Stages, in pipeline order:\n {2}bake .*\n {2}verify .*\n {2}scan .*\n {2}promote /,
    );
    const help = cli(['promote', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--require {2}\(default: verify=passed,scan=passed\)/);
    expect(help.stdout).toMatch(/^ {2}--ami-id \*$/m);
    expect(help.stdout).toMatch(/^Outputs.*\n(.*\n)* {2}copied$/m);
    const version = cli(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
    );
  });

  it('a mistyped stage or flag gets a guess, and a fix in flag syntax', () => {
    const stage = cli(['scna']);
    expect(stage.status).toBe(2);
    expect(stage.stderr).toMatch(/unknown stage "scna"; did you mean scan\?/);
    const flag = cli(['scan', '--hardening', 'x']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/did you mean --hardening-scripts\?/);
    const missing = cli(['bake']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(
      /Input "template": is required but was empty\. Fix: set it, e\.g\. --template \S+/,
    );
    expect(missing.stderr).not.toMatch(/template: packer/);
  });

  it('the scan help shows the CLI’s own defaults: the output folder, never an expression', () => {
    const help = cli(['scan', '--help']).stdout;
    expect(help).toContain('--sarif-file  (default: ami-bakery-output/ami-bakery-scan.sarif)');
    expect(help).toContain('--github-token  (default: $GITHUB_TOKEN)');
    expect(help).not.toContain('${{');
  });

  it('scans a real OpenSCAP result against hardening scripts and fails the gate with exit 1', () => {
    const report = path.join(home, 'out', 'report.json');
    const r = cli([
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      'hardening/**',
      '--report-file',
      report,
      '--sarif-file',
      path.join(home, 'out', 'report.sarif'),
    ]);
    expect(r.stderr).toMatch(/gate/i);
    expect(r.status).toBe(1);
    const outputs = parseCliOutputs(r.stdout);
    expect(Number(outputs.annotations)).toBeGreaterThan(0);
    expect(outputs['annotations-delivered']).toBe(outputs.annotations);
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(json.counts.failed).toBeGreaterThan(0);
    expect(json.findings.length).toBe(json.counts.total);
  });

  it('refuses bad input with exit 2 naming the input', () => {
    const r = cli(['promote', '--ami-id', 'ami-nope', '--source-region', 'us-east-1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ami-id/);
  });
});

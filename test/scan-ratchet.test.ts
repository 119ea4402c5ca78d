/**
 * The ratchet (issue 23), through the committed bundle as the runner runs it: a first scan of the
 * recorded real ARF is the baseline (the last golden image's report); then the pull request's
 * change deletes the marker of a control that passed. Only the ratchet gates here (fail-on: none,
 * min-score: 0), so what fails is the ratchet and nothing else.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, FIXTURES, outputValue, runActionBundle, tmpDir } from './helpers.js';

let root: string;
type Claimed = { control: string; location: string; rules: string[]; passed: boolean };
let claimed: Claimed;
/** every control that passed and was claimed by that same marker (a marker may name a range) */
let atMarker: Claimed[];

const scan = (extra: Record<string, string>, env: Record<string, string> = {}) =>
  runActionBundle(
    'action-scan',
    {
      target: 'results',
      results: ARF_FIXTURE,
      'hardening-scripts': 'hardening/**',
      'fail-on': 'none',
      'min-score': '0',
      'report-file': 'out/now.json',
      'sarif-file': 'out/now.sarif',
      ...extra,
    },
    { GITHUB_WORKSPACE: root, ...env },
    { cwd: root },
  );

beforeAll(async () => {
  root = tmpDir('ami-bakery-ratchet-');
  fs.cpSync(path.join(FIXTURES, 'hardening'), path.join(root, 'hardening'), { recursive: true });
  const first = await scan({ 'report-file': 'out/golden.json' });
  expect(first.code, first.stdout).toBe(0);
  const golden = JSON.parse(fs.readFileSync(path.join(root, 'out/golden.json'), 'utf8'));
  fs.writeFileSync(
    path.join(root, 'out/golden.json'),
    JSON.stringify({ ...golden, amiId: 'ami-0901234567golden0' }),
  );
  // a control the code claims with a marker of its own that passed
  claimed = golden.claimed.find(
    (c: { passed: boolean; location: string }) => c.passed && /\.sh:\d+$/.test(c.location),
  );
  expect(claimed, 'the fixture claims a passing control').toBeTruthy();
  atMarker = golden.claimed.filter((c: Claimed) => c.passed && c.location === claimed.location);
}, 120_000);

/** The pull request's change: the marker line of `claimed` becomes a plain comment. */
function deleteMarker(): () => void {
  const [file, line] = [claimed.location.replace(/:\d+$/, ''), Number(claimed.location.split(':').pop())];
  const abs = path.join(root, file);
  const before = fs.readFileSync(abs, 'utf8');
  const lines = before.split('\n');
  expect(lines[line - 1]).toMatch(/CIS/);
  lines[line - 1] = '# (comment)';
  fs.writeFileSync(abs, lines.join('\n'));
  return () => fs.writeFileSync(abs, before);
}

describe('the ratchet on the last golden image', () => {
  it('unchanged code: every claimed control is kept, the gate passes, and the summary says so', async () => {
    const r = await scan({ baseline: 'out/golden.json' });
    expect(r.code, r.stdout).toBe(0);
    expect(outputValue(r.outputs, 'ratchet')).toBe('on');
    expect(r.summary).toMatch(
      /Ratchet against ami-0901234567golden0 \([\d.]+%\): \d+ kept, 0 dropped, 0 regressed/,
    );
  });

  it('a deleted marker fails the gate as "dropped", on the file the marker was in, in SARIF and the report', async () => {
    const restore = deleteMarker();
    try {
      const r = await scan({ baseline: 'out/golden.json' });
      expect(r.code, r.stdout).toBe(1);
      expect(outputValue(r.outputs, 'gate')).toBe('failed');
      const file = claimed.location.replace(/:\d+$/, '');
      expect(r.summary).toContain(
        `dropped: ${atMarker.length} control(s) claimed and passing in ami-0901234567golden0 have no marker now: ${atMarker.map((c) => `${c.control} (was at ${c.location})`).join(', ')} (ratchet)`,
      );
      // the annotation sits on that file
      const esc = (s: string) => s.replace(/[.()]/g, '\\$&');
      expect(r.stdout).toMatch(
        new RegExp(
          `::error title=dropped%3A ${esc(claimed.control)} was implemented at [^,]+,file=${esc(file)},line=1::`,
        ),
      );
      const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out/now.sarif'), 'utf8'));
      const dropped = sarif.runs[0].results.filter((x: { message: { text: string } }) =>
        x.message.text.includes('No marker claims it now'),
      );
      expect(dropped).toHaveLength(atMarker.length);
      const report = JSON.parse(fs.readFileSync(path.join(root, 'out/now.json'), 'utf8'));
      expect(report.ratchet).toMatchObject({ state: 'on', dropped: atMarker.map((c) => c.control) });
      expect(report.gate.verdict).toBe('failed');
    } finally {
      restore();
    }
  });

  it('on a pull request, the annotation sits on the line where its diff removed the marker', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: root,
        encoding: 'utf8',
      }).trim();
    git('init', '-q', '-b', 'main');
    git('add', 'hardening');
    git('commit', '-q', '-m', 'golden');
    const base = git('rev-parse', 'HEAD');
    const restore = deleteMarker();
    try {
      git('commit', '-q', '-am', 'tidy comments');
      const event = path.join(root, 'out/event.json');
      fs.writeFileSync(
        event,
        JSON.stringify({
          pull_request: { number: 3, base: { sha: base }, head: { sha: git('rev-parse', 'HEAD') } },
        }),
      );
      const r = await scan(
        { baseline: 'out/golden.json' },
        { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
      );
      expect(r.code, r.stdout).toBe(1);
      const [file, line] = [claimed.location.replace(/:\d+$/, ''), claimed.location.split(':').pop()];
      const esc = (s: string) => s.replace(/[.()]/g, '\\$&');
      expect(r.stdout).toMatch(
        new RegExp(
          `::error title=dropped%3A ${esc(claimed.control)} was implemented at [^,]+,file=${esc(file)},line=${line}::`,
        ),
      );
    } finally {
      restore();
      fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    }
  });

  it('a reviewed waiver naming the dropped control lets it pass, and says it was waived', async () => {
    const restore = deleteMarker();
    // waived by rule id: a waiver names what the scan evaluates
    const rules = atMarker.flatMap((c) => c.rules.map((r) => r.split(':').slice(1).join(':')));
    fs.writeFileSync(
      path.join(root, 'waivers.yml'),
      `waivers:\n${rules.map((id) => `  - id: "${id}"\n    reason: moved to the base image\n    owner: platform@example.com\n    expires: 2099-01-01\n`).join('')}`,
    );
    try {
      const r = await scan({ baseline: 'out/golden.json', waivers: 'waivers.yml' });
      expect(r.code, r.stdout).toBe(0);
      expect(r.summary).toContain(`0 dropped, 0 regressed, ${atMarker.length} waived`);
    } finally {
      restore();
    }
  });

  it("families: the report records its family, and one family's report is never another's baseline", async () => {
    const first = await scan({ family: 'ubuntu-22.04-x86_64', 'report-file': 'out/family.json' });
    expect(first.code, first.stdout).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out/family.json'), 'utf8'));
    expect(report.family).toBe('ubuntu-22.04-x86_64');
    const other = await scan({ family: 'debian-12-x86_64', baseline: 'out/family.json' });
    expect(other.code, other.stdout).toBe(1);
    expect(outputValue(other.outputs, 'result')).toBe('input-error');
    expect(other.stdout).toMatch(
      /Input "baseline": "out\/family\.json" is a scan of family "ubuntu-22\.04-x86_64", and this scan is of "debian-12-x86_64"/,
    );
    const same = await scan({ family: 'ubuntu-22.04-x86_64', baseline: 'out/family.json' });
    expect(same.code, same.stdout).toBe(0);
    expect(outputValue(same.outputs, 'ratchet')).toBe('on');
    // the SARIF category carries the family, so two families' alerts do not replace each other
    const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out/now.sarif'), 'utf8'));
    expect(sarif.runs[0].automationDetails.id).toMatch(/^ami-bakery\/scan\/ubuntu-22\.04-x86_64-/);
    for (const bad of ['../x', 'a b', 'x'.repeat(65), '-lead'])
      expect((await scan({ family: bad })).stdout).toMatch(/Input "family": .* is not a family name/);
  });

  it('no baseline: the ratchet says it is not applied', async () => {
    const r = await scan({});
    expect(r.code, r.stdout).toBe(0);
    expect(outputValue(r.outputs, 'ratchet')).toBe('no-baseline');
    expect(r.summary).toContain('Ratchet: not applied: there is no baseline');
  });

  it('ratchet: false turns it off only loudly: a warning, and the summary says OFF', async () => {
    const restore = deleteMarker();
    try {
      const r = await scan({ baseline: 'out/golden.json', ratchet: 'false' });
      expect(r.code, r.stdout).toBe(0);
      expect(outputValue(r.outputs, 'ratchet')).toBe('off');
      expect(r.stdout).toMatch(/::warning::ratchet: false: the ratchet is OFF/);
      expect(r.summary).toContain('Ratchet: OFF (ratchet: false)');
    } finally {
      restore();
    }
  });

  it('a blank ratchet input is the default (on), never off', async () => {
    const restore = deleteMarker();
    try {
      const r = await scan({ baseline: 'out/golden.json', ratchet: '  ' });
      expect(r.code, r.stdout).toBe(1);
      expect(outputValue(r.outputs, 'ratchet')).toBe('on');
    } finally {
      restore();
    }
  });

  it('the score may not fall: a baseline that scored higher fails the gate', async () => {
    const golden = JSON.parse(fs.readFileSync(path.join(root, 'out/golden.json'), 'utf8'));
    fs.writeFileSync(path.join(root, 'out/higher.json'), JSON.stringify({ ...golden, score: 99.9 }));
    const r = await scan({ baseline: 'out/higher.json' });
    expect(r.code, r.stdout).toBe(1);
    expect(r.summary).toMatch(
      /score fell from 99\.9% in ami-0901234567golden0 to [\d.]+% \(ratchet: it may fall only through waivers\)/,
    );
  });
});

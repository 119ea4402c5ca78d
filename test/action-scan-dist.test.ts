/**
 * The committed bundle (action-scan/dist/index.js) run the way the Actions runner runs it: inputs
 * as INPUT_* variables (hyphens kept), outputs/summary through the GITHUB_OUTPUT/GITHUB_STEP_SUMMARY
 * files, a pull_request event file, and the check run through GITHUB_API_URL: a local stand-in for
 * the GitHub API that can also answer 403, 422 and 5xx on POST or PATCH.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, outputValue, ROOT, runActionBundle, tmpDir } from './helpers.js';

let api: http.Server;
let apiUrl: string;
/** what the fake API answers: a status for every POST / PATCH, or a list used up one request at a time */
let answers: { post: number[] | number; patch: number[] | number } = { post: 201, patch: 200 };
let requests: Array<{ method: string; url: string; status: number; body: any }> = [];

function next(a: number[] | number, ok: number): number {
  if (typeof a === 'number') return a;
  return a.shift() ?? ok;
}

beforeAll(async () => {
  api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const status = req.method === 'POST' ? next(answers.post, 201) : next(answers.patch, 200);
      requests.push({ method: req.method ?? '', url: req.url ?? '', status, body: JSON.parse(body || '{}') });
      res.statusCode = status;
      if (status >= 400) {
        res.end(
          JSON.stringify({
            message: status === 403 ? 'Resource not accessible by integration' : `error ${status}`,
          }),
        );
        return;
      }
      res.end('{"id":7,"html_url":"http://github.local/checks/7"}');
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => api.close());
beforeEach(() => {
  requests = [];
  answers = { post: 201, patch: 200 };
});

const HEAD_SHA = '1111111111111111111111111111111111111111';
const eventDir = tmpDir();
const eventFile = path.join(eventDir, 'event.json');
fs.writeFileSync(
  eventFile,
  JSON.stringify({
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: HEAD_SHA },
      base: { sha: '2222222222222222222222222222222222222222' },
    },
    repository: { default_branch: 'main' },
  }),
);

const inputs = {
  target: 'results',
  results: ARF_FIXTURE,
  'hardening-scripts': 'test/fixtures/hardening/**',
  'sarif-file': '',
  'report-file': '',
  'github-token': 'ghs_secret_token_value',
  'check-name': 'ami-bakery scan',
  'fail-on': 'implemented',
  'min-score': '',
};
const github = () => ({
  GITHUB_REPOSITORY: 'acme/images',
  GITHUB_SHA: 'deadbeef',
  GITHUB_API_URL: apiUrl,
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: eventFile,
  GITHUB_WORKSPACE: ROOT,
});
const runAction = (
  i: Record<string, string> = inputs,
  env: Record<string, string> = github(),
  cwd?: string,
) => runActionBundle('action-scan', i, env, { cwd });
const sent = () => requests.filter((q) => q.status < 300).flatMap((q) => q.body.output?.annotations ?? []);
const last = () => requests.filter((q) => q.status < 300).at(-1)?.body;

describe('action-scan dist bundle (runner-faithful)', () => {
  it('publishes every failing control on one check run on the PR head, errors (claimed controls) first', async () => {
    const r = await runAction();
    // the fixture's scripts claim controls that fail: the default gate fails the step
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /::error::Scan gate failed: (\d+ rules in )?\d+ control\(s\) the hardening code claims to implement fail/,
    );
    expect(outputValue(r.outputs, 'failed')).toBe('71');
    expect(outputValue(r.outputs, 'annotations-delivered')).toBe('71');
    const annotations = sent();
    expect(annotations).toHaveLength(71);
    expect(requests.map((q) => q.method)).toEqual(['POST', 'PATCH']);
    expect(requests[0].body.head_sha).toBe(HEAD_SHA);
    expect(last()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(annotations).toContainEqual(
      expect.objectContaining({
        path: 'test/fixtures/hardening/scripts/20-ssh.sh',
        start_line: 22,
        annotation_level: 'failure',
        title: 'CIS 5.2.6: Set SSH authentication attempt limit',
      }),
    );
    const levels = annotations.map((a: { annotation_level: string }) => a.annotation_level);
    expect(levels.lastIndexOf('failure')).toBeLessThan(levels.indexOf('warning'));
    expect(
      annotations
        .filter((a: { title: string }) => /\(not implemented\)$/.test(a.title))
        .every((a: any) => a.annotation_level === 'warning'),
    ).toBe(true);
    // every path is a repository path: no ./, no absolute path
    for (const a of annotations) expect(a.path).toMatch(/^(?!\.\/|\/)\S+$/);
    expect(r.stdout.split('\n').filter((l) => l.includes('ghs_secret_token_value'))).toHaveLength(1);
    expect(r.summary).toContain('All 71 annotation(s) were published on the check run');
  });

  it('run from a subdirectory: paths stay relative to GITHUB_WORKSPACE, absolute globs work', async () => {
    const r = await runAction(
      {
        ...inputs,
        results: path.relative(path.join(ROOT, 'test'), ARF_FIXTURE),
        'hardening-scripts': `${ROOT}/test/fixtures/hardening/**`,
        template: 'fixtures/packer/null-ok.pkr.hcl',
      },
      github(),
      path.join(ROOT, 'test'),
    );
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).not.toMatch(/::error::Input/);
    const paths = new Set(sent().map((a: { path: string }) => a.path));
    expect(paths).toContain('test/fixtures/hardening/scripts/20-ssh.sh');
    expect(paths).toContain('test/fixtures/packer/null-ok.pkr.hcl');
    for (const p of paths) expect(fs.existsSync(path.join(ROOT, p as string)), p as string).toBe(true);
  });

  it('a transient 502 on PATCH is retried: all annotations arrive', async () => {
    answers.patch = [502];
    const r = await runAction();
    expect(r.code).toBe(1);
    expect(sent()).toHaveLength(71);
    expect(requests.map((q) => `${q.method} ${q.status}`)).toEqual(['POST 201', 'PATCH 502', 'PATCH 200']);
    expect(last()).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('a PATCH that keeps failing (500): the check run is still completed and says how many are missing', async () => {
    answers.patch = [500, 500, 500, 500];
    const r = await runAction();
    expect(r.code).toBe(1);
    expect(last()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(last().output.summary).toMatch(
      /\*\*21 of 71 annotation\(s\) could not be sent to this check run\*\*/,
    );
    expect(outputValue(r.outputs, 'annotations-delivered')).toBe('50');
    expect(r.summary).toMatch(
      /50 of 71 annotation\(s\) were published on the check run "ami-bakery scan"; 21 were not/,
    );
    expect(r.stdout).not.toMatch(/token cannot/);
  });

  it('a 422 on POST is not blamed on the token: workflow annotations, and the reason', async () => {
    answers.post = 422;
    const r = await runAction();
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/token cannot/);
    expect(r.stdout).toMatch(/Checks API failed to create the check run \(HTTP 422/);
    expect(requests.filter((q) => q.method === 'POST')).toHaveLength(1); // 4xx: not retried
  });

  it('a read-only token (403): 10 per level, the findings keep their slots, and a notice says how many are missing', async () => {
    answers.post = 403;
    const r = await runAction();
    expect(r.code, r.stdout).toBe(1);
    const lines = r.stdout.split('\n');
    const errors = lines.filter((l) => l.startsWith('::error ') && l.includes('file='));
    const warnings = lines.filter((l) => l.startsWith('::warning'));
    const notices = lines.filter((l) => l.startsWith('::notice'));
    // claimed and failing, whether the code's doing or a failure it cannot cause (classify.ts)
    const gateLine = /::error::Scan gate failed: .*/.exec(r.stdout)?.[0] ?? '';
    const claimed = [...gateLine.matchAll(/(\d+) control\(s\) the hardening code claims/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(claimed).toBeGreaterThanOrEqual(4);
    expect(errors).toHaveLength(Math.min(10, claimed));
    expect(warnings).toHaveLength(10);
    expect(warnings.every((l) => l.includes('file='))).toBe(true);
    expect(notices).toHaveLength(1);
    const shown = errors.length + warnings.length;
    expect(notices[0]).toMatch(
      new RegExp(`${71 - shown} of 71 findings are not shown as annotations.*HTTP 403`),
    );
    expect(outputValue(r.outputs, 'annotations-delivered')).toBe(String(shown));
    expect(r.summary).toContain(`${shown} of 71 shown as workflow annotations, ${71 - shown} not shown`);
    expect(r.summary).toMatch(/### Failing controls the hardening code implements \(\d+\)/);
  });

  it('fails the step on a gate, and on bad input names the input', async () => {
    const gate = await runAction({ ...inputs, 'github-token': '', 'min-score': '99', 'fail-on': 'none' });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/::error::Scan gate failed: score 59\.9%25 is below min-score 99%25/);
    const bad = await runAction({ ...inputs, 'github-token': '', results: 'nope/*.xml' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::Input "results": no files match "nope\/\*\.xml"/);
  });
});

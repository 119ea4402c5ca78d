/**
 * scan --in-use: the scheduled re-scan of the images running instances use (real AWS SDK against
 * the local EC2 sandbox; real oscap results).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, runCli } from './helpers.js';
import { type Credentials, Ec2Sandbox, type SandboxImage } from './sandbox/ec2-sandbox.js';

const ACCOUNT = '111111111111';
let sandbox: Ec2Sandbox;
let creds: Credentials;
let imgs: Record<'old' | 'newest' | 'copy' | 'ubuntu' | 'unused', SandboxImage>;
let summary: string;

beforeEach(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  creds = sandbox.addAccount(ACCOUNT);
  const golden = (extra: Record<string, string> = {}) => ({
    'ami-bakery:status': 'golden',
    'ami-bakery:family': 'golden-ubuntu-22.04',
    ...extra,
  });
  const old = sandbox.putImage(ACCOUNT, 'eu-west-1', {
    name: 'golden-ubuntu-22.04-2026-01-10',
    creationDate: '2026-01-10T08:00:00.000Z',
    tags: golden(),
  });
  const newest = sandbox.putImage(ACCOUNT, 'eu-west-1', {
    name: 'golden-ubuntu-22.04-2026-06-01',
    creationDate: '2026-06-01T08:00:00.000Z',
    tags: golden(),
  });
  imgs = {
    old,
    newest,
    // the promoted copy of `newest` in us-east-1: created later, but the same image
    copy: sandbox.putImage(ACCOUNT, 'us-east-1', {
      name: 'golden-ubuntu-22.04-2026-06-01',
      creationDate: '2026-06-01T09:30:00.000Z',
      tags: golden({ 'ami-bakery:source-ami': newest.imageId }),
    }),
    ubuntu: sandbox.putImage(ACCOUNT, 'eu-west-1', {
      name: 'ubuntu-jammy-22.04-amd64-server-20260101',
      creationDate: '2026-01-01T00:00:00.000Z',
    }),
    // golden and newer, but only used by a stopped instance: not "in use"
    unused: sandbox.putImage(ACCOUNT, 'eu-west-1', {
      name: 'golden-ubuntu-22.04-2026-07-01',
      creationDate: '2026-07-01T08:00:00.000Z',
      tags: golden(),
    }),
  };
  sandbox.putInstance(ACCOUNT, 'eu-west-1', imgs.old.imageId);
  sandbox.putInstance(ACCOUNT, 'eu-west-1', imgs.old.imageId);
  sandbox.putInstance(ACCOUNT, 'eu-west-1', imgs.newest.imageId);
  sandbox.putInstance(ACCOUNT, 'eu-west-1', imgs.ubuntu.imageId);
  sandbox.putInstance(ACCOUNT, 'eu-west-1', imgs.unused.imageId, 0, 'stopped');
  sandbox.putInstance(ACCOUNT, 'us-east-1', imgs.copy.imageId);
  summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'in-use-')), 'summary.md');
});
afterEach(() => sandbox.stop());

const scan = (args: string[], extraEnv: Record<string, string> = {}, regions = 'eu-west-1,us-east-1') =>
  runCli(
    [
      'scan',
      '--in-use',
      'true',
      '--regions',
      regions,
      '--report-file',
      '',
      '--sarif-file',
      '',
      // the score is the gate these tests are about
      '--fail-on',
      'none',
      '--hardening-scripts',
      'test/fixtures/hardening/**',
      ...args,
    ],
    { env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_STEP_SUMMARY: summary, ...extraEnv } },
  );
const tagsOf = (i: SandboxImage) => Object.fromEntries(i.tags);

describe('scan --in-use', () => {
  it('target none finds the images running instances use and picks the newest golden one, changing nothing', async () => {
    const r = await scan(['--target', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['ami-id']).toBe(imgs.newest.imageId);
    const inUse = JSON.parse(r.outputs['in-use-amis']) as Array<{
      region: string;
      imageId: string;
      instances: number;
    }>;
    expect(inUse.map((i) => [i.region, i.imageId, i.instances]).sort()).toEqual(
      [
        ['eu-west-1', imgs.old.imageId, 2],
        ['eu-west-1', imgs.newest.imageId, 1],
        ['eu-west-1', imgs.ubuntu.imageId, 1],
        ['us-east-1', imgs.copy.imageId, 1],
      ].sort(),
    );
    expect(sandbox.calls.filter((c) => c.action === 'CreateTags')).toHaveLength(0);
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toMatch(
      new RegExp(`\\| eu-west-1 \\| \`${imgs.old.imageId}\` .*\\| 2 \\| yes \\| outdated \\|`),
    );
    expect(md).toMatch(new RegExp(`\\| eu-west-1 \\| \`${imgs.newest.imageId}\` .*\\| scanned \\|`));
  });

  it('a failed re-scan tags the scanned image, its copies and older golden images in use as vulnerable', async () => {
    const r = await scan(['--results', ARF_FIXTURE, '--min-score', '95']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Scan gate failed: score .* is below min-score 95%/);
    expect(tagsOf(imgs.newest)).toMatchObject({
      'ami-bakery:scan': 'failed',
      'ami-bakery:vulnerable': 'true',
    });
    expect(tagsOf(imgs.newest)['ami-bakery:vulnerable-reason']).toContain(
      `re-scan of ${imgs.newest.imageId}`,
    );
    expect(tagsOf(imgs.old)['ami-bakery:vulnerable']).toBe('true');
    expect(tagsOf(imgs.copy)['ami-bakery:vulnerable']).toBe('true');
    // not ours, and not in use: untouched
    expect(tagsOf(imgs.ubuntu)).toEqual({});
    expect(tagsOf(imgs.unused)['ami-bakery:vulnerable']).toBeUndefined();
    const vulnerable = JSON.parse(r.outputs['vulnerable-images']) as Array<{ imageId: string }>;
    expect(vulnerable.map((v) => v.imageId).sort()).toEqual(
      [imgs.newest.imageId, imgs.old.imageId, imgs.copy.imageId].sort(),
    );
  });

  it('a passing re-scan tags only the scanned image with its score', async () => {
    const r = await scan(['--results', ARF_FIXTURE, '--min-score', '50']);
    expect(r.code, r.stderr).toBe(0);
    expect(tagsOf(imgs.newest)).toMatchObject({
      'ami-bakery:scan': 'passed',
      'ami-bakery:cis-score': r.outputs.score,
    });
    expect(tagsOf(imgs.newest)['ami-bakery:vulnerable']).toBeUndefined();
    expect(tagsOf(imgs.old)['ami-bakery:vulnerable']).toBeUndefined();
    expect(JSON.parse(r.outputs['vulnerable-images'])).toEqual([]);
  });

  it('target none without in-use, or a bad region, is an input error before any AWS call', async () => {
    const r = await runCli(['scan', '--target', 'none'], { env: sandbox.env(creds, 'eu-west-1') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "target": "none" only finds the images in use, so it needs in-use: true/);
    const r2 = await runCli(
      ['scan', '--in-use', 'true', '--target', 'none', '--regions', 'eu-west-1,mars-2'],
      {
        env: sandbox.env(creds, 'eu-west-1'),
      },
    );
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/Input "regions": "mars-2" is not an AWS region name/);
    expect(sandbox.calls).toHaveLength(0);
  });
});

describe('scan --in-use --issue (a local GitHub-like API)', () => {
  type Issue = {
    number: number;
    title: string;
    body: string;
    state: string;
    labels: string[];
    html_url: string;
    comments: string[];
  };
  let issues: Issue[];
  let requests: string[];
  let api: http.Server;
  let apiUrl: string;

  beforeEach(async () => {
    issues = [];
    requests = [];
    api = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '', 'http://x');
        const body = JSON.parse(raw || '{}');
        requests.push(`${req.method} ${url.pathname}`);
        const send = (status: number, data: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
        if (url.pathname.includes('/check-runs'))
          return send(201, { id: 1, html_url: 'http://github.local/c/1' });
        if (url.pathname === '/repos/acme/images/issues' && req.method === 'GET')
          return send(
            200,
            issues.filter(
              (i) =>
                i.state === url.searchParams.get('state') &&
                i.labels.includes(url.searchParams.get('labels') ?? ''),
            ),
          );
        if (url.pathname === '/repos/acme/images/issues' && req.method === 'POST') {
          const i = {
            number: issues.length + 1,
            title: body.title,
            body: body.body,
            state: 'open',
            labels: body.labels,
            comments: [] as string[],
            html_url: `http://github.local/acme/images/issues/${issues.length + 1}`,
          };
          issues.push(i);
          return send(201, i);
        }
        const m = /^\/repos\/acme\/images\/issues\/(\d+)(\/comments)?$/.exec(url.pathname);
        const issue = m && issues.find((i) => i.number === Number(m[1]));
        if (issue && m?.[2] && req.method === 'POST') {
          issue.comments.push(body.body);
          return send(201, { id: 1 });
        }
        if (issue && req.method === 'PATCH') {
          Object.assign(issue, body.body ? { body: body.body } : {}, body.state ? { state: body.state } : {});
          return send(200, issue);
        }
        send(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => api.close(() => r())));

  const rescan = (minScore: string, regions?: string) =>
    scan(
      [
        '--results',
        ARF_FIXTURE,
        '--min-score',
        minScore,
        '--issue',
        'true',
        '--github-token',
        'ghs_issue_token',
      ],
      {
        GITHUB_REPOSITORY: 'acme/images',
        GITHUB_SHA: 'deadbeef',
        GITHUB_API_URL: apiUrl,
        GITHUB_RUN_ID: '77',
      },
      regions,
    );

  it('a failed re-scan opens one issue (image, controls, instances); failing again updates it; a passing one closes it', async () => {
    const r1 = await rescan('95');
    expect(r1.code).toBe(1);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue.title).toBe(
      `Golden image golden-ubuntu-22.04-2026-06-01 (${imgs.newest.imageId}) failed its re-scan`,
    );
    expect(issue.labels).toEqual(['ami-bakery']);
    expect(issue.body).toContain('**failed its gate**');
    expect(issue.body).toMatch(/### Failing controls \(\d+\)/);
    expect(issue.body).toContain(
      '| CIS 5.2.6 | Set SSH authentication attempt limit | medium | `test/fixtures/hardening/scripts/20-ssh.sh:22` |',
    );
    // the instances of the scanned image, of its copy and of the older golden image it makes vulnerable
    const rows = issue.body.split('\n').filter((l) => /^\| 111111111111 \| [\w-]+ \| `i-/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows.join('\n')).toMatch(
      /\| 111111111111 \| us-east-1 \| `i-\w+` \| web-\d+ \| \d{4}-\d\d-\d\d \d\d:\d\d \|/,
    );
    expect(r1.outputs['issue-url']).toBe(issue.html_url);

    const r2 = await rescan('95');
    expect(r2.code).toBe(1);
    expect(issues).toHaveLength(1);
    expect(issue.comments).toHaveLength(1);
    expect(issue.comments[0]).toMatch(
      /^Failed again on \d{4}-\d\d-\d\d: score [\d.]+%\. .*\/actions\/runs\/77$/,
    );

    const r3 = await rescan('10');
    expect(r3.code, r3.stderr).toBe(0);
    expect(issue.state).toBe('closed');
    expect(issue.comments.at(-1)).toMatch(new RegExp(`A re-scan of ${imgs.newest.imageId} passed its gate`));
    expect(requests.filter((q) => q === 'POST /repos/acme/images/issues')).toHaveLength(1);
  });

  it('an image no longer in use gets its issue closed', async () => {
    expect((await rescan('95')).code).toBe(1);
    const [first] = issues;
    // the instances of the failing image are replaced: nothing runs it any more
    for (const i of sandbox.instances.values()) if (i.imageId === imgs.newest.imageId) i.state = 'terminated';
    const r = await rescan('95');
    expect(r.code).toBe(1);
    expect(first.state).toBe('closed');
    expect(first.comments.at(-1)).toMatch(
      new RegExp(`No running instance uses ${imgs.newest.imageId} any more`),
    );
    // the newest golden image still in use in the scan's region (the older one) failed now: its own issue
    expect(issues).toHaveLength(2);
    expect(issues[1].title).toContain(imgs.old.imageId);
    expect(issues[1].state).toBe('open');
  });

  it('the key is where ami-bakery writes it, with its scope; a re-scan of fewer regions closes no issue of a wider one (issue 22: 19)', async () => {
    // an instance whose Name tag holds the hidden key of another image
    const forged = `<!-- ami-bakery:in-use-issue ${imgs.old.imageId} regions=us-east-1 -->`;
    for (const i of sandbox.instances.values())
      if (i.imageId === imgs.newest.imageId) i.tags.set('Name', forged);
    expect((await rescan('95')).code).toBe(1);
    expect(issues).toHaveLength(1);
    const [first] = issues;
    expect(first.body.trimEnd().split('\n').at(-1)).toBe(
      `<!-- ami-bakery:in-use-issue ${imgs.newest.imageId} regions=eu-west-1,us-east-1 -->`,
    );
    for (const i of sandbox.instances.values()) if (i.imageId === imgs.newest.imageId) i.state = 'terminated';
    // looking at one region only is no evidence about the other: the issue stays open
    await rescan('95', 'us-east-1');
    expect(first.state).toBe('open');
    // the same scope again: no instance runs it any more, closed
    await rescan('95');
    expect(first.state).toBe('closed');
  });
});

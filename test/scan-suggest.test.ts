/**
 * suggest: true, run as the runner runs the committed bundle, on a pull request of a real git
 * repository whose hardening script changes the line that implements CIS 6.1.4 (/etc/shadow's mode),
 * scanning the suite's real root filesystem, against a local GitHub-like API: the scanner's one-line
 * fix is tried in a copy of the image (the control passes, a key login still works), then posted once
 * as a suggested change on that line; a re-run does not post it again; 403 and 422 are handled and
 * said. From a results file (no image to try it on) nothing is suggested, and that is said.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, baseRootfs, outputValue, runActionBundle, tmpDir } from './helpers.js';
import { type GithubApi, startGithubApi } from './support/github-api.js';

const run = promisify(execFile);

let api: GithubApi;
beforeAll(async () => {
  api = await startGithubApi('acme/images', 7);
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const SCRIPT = (mode: string) =>
  [
    '#!/bin/sh',
    '# Hardening: shadow file permissions.',
    'set -eu',
    '',
    '# CIS 6.1.4 Ensure permissions on /etc/shadow are configured',
    `chmod ${mode} /etc/shadow`,
    '',
  ].join('\n');

/** A repository whose pull request changes the line under the CIS 6.1.4 marker (or the file given). */
async function pullRequest(
  file = 'hardening/shadow.sh',
  before = SCRIPT('0644'),
  after = SCRIPT('0640'),
): Promise<{ root: string; event: string }> {
  const root = tmpDir('ami-bakery-suggest-');
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
  await git('init', '-q', '-b', 'main');
  fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), before);
  await git('add', '.');
  await git('commit', '-q', '-m', 'base');
  const base = (await git('rev-parse', 'HEAD')).stdout.trim();
  fs.writeFileSync(path.join(root, file), after);
  await git('commit', '-q', '-am', 'the pull request');
  const head = (await git('rev-parse', 'HEAD')).stdout.trim();
  const event = path.join(root, '..', `${path.basename(root)}-event.json`);
  fs.writeFileSync(
    event,
    JSON.stringify({
      number: 7,
      pull_request: { number: 7, head: { sha: head }, base: { sha: base } },
      repository: { default_branch: 'main' },
    }),
  );
  return { root, event };
}

const scan = (root: string, event: string, over: Record<string, string> = {}) =>
  runActionBundle(
    'action-scan',
    {
      // a real image root filesystem: a fix is suggested only once it was tried in a copy of it
      target: `chroot:${baseRootfs()}`,
      'hardening-scripts': 'hardening/*.sh',
      'github-token': 'ghs_suggest_token',
      'fail-on': 'none',
      'min-score': '0',
      suggest: 'true',
      ...over,
    },
    {
      GITHUB_REPOSITORY: 'acme/images',
      GITHUB_SHA: 'deadbeef',
      GITHUB_API_URL: api.url,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKSPACE: root,
    },
    { cwd: root },
  );

const reviewPosts = () => api.requests.filter((q) => q.method === 'POST' && q.url.endsWith('/reviews'));

describe('suggested changes on a pull request (suggest: true)', () => {
  it('posts the one-line fix on the changed line once; a re-run posts nothing new', async () => {
    const { root, event } = await pullRequest();
    const r = await scan(root, event);
    expect(r.code, r.stdout).toBe(0);
    const [review] = reviewPosts();
    expect(review.body).toMatchObject({ event: 'COMMENT' });
    expect(review.body.commit_id).toBe(JSON.parse(fs.readFileSync(event, 'utf8')).pull_request.head.sha);
    expect(review.body.comments).toHaveLength(1);
    const [c] = review.body.comments;
    expect(c).toMatchObject({ path: 'hardening/shadow.sh', line: 6, side: 'RIGHT' });
    expect(c.body).toContain('**CIS 6.1.4 fails here.**');
    expect(c.body).toContain('```suggestion\nchmod u-xwrs,g-xwrs,o-xwrt /etc/shadow\n```');
    expect(outputValue(r.outputs, 'suggestions')).toBe('1');
    expect(r.summary).toContain(
      'Suggested changes: 1 posted on pull request #7: CIS 6.1.4 at `hardening/shadow.sh:6`.',
    );

    api.requests = [];
    const again = await scan(root, event);
    expect(again.code, again.stdout).toBe(0);
    expect(reviewPosts()).toEqual([]);
    expect(api.comments).toHaveLength(1);
    expect(outputValue(again.outputs, 'suggestions')).toBe('0');
    expect(again.summary).toContain('(1 already there from an earlier run)');
  });

  it('a token without pull-requests: write (403): a warning, nothing claimed, the step goes on', async () => {
    const { root, event } = await pullRequest();
    api.reviewStatus = 403;
    const r = await scan(root, event);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /::warning::suggest: the token cannot create a pull request review \(HTTP 403; the job needs `pull-requests: write`/,
    );
    expect(outputValue(r.outputs, 'suggestions')).toBe('0');
    expect(r.summary).toMatch(
      /Suggested changes: 0 of 1 posted on pull request #7; not posted: the token cannot/,
    );
    expect(api.comments).toEqual([]);
  });

  it('a review refused as a whole (422) is posted comment by comment', async () => {
    const { root, event } = await pullRequest();
    api.reviewStatus = 422;
    const r = await scan(root, event);
    expect(r.code, r.stdout).toBe(0);
    const single = api.requests.filter((q) => q.method === 'POST' && q.url.endsWith('/pulls/7/comments'));
    expect(single).toHaveLength(1);
    expect(single[0].body).toMatchObject({ path: 'hardening/shadow.sh', line: 6, side: 'RIGHT' });
    expect(outputValue(r.outputs, 'suggestions')).toBe('1');
  });

  it('suggest off (the default): no request to the pull request at all', async () => {
    const { root, event } = await pullRequest();
    const r = await scan(root, event, { suggest: 'false' });
    expect(r.code, r.stdout).toBe(0);
    expect(api.requests.filter((q) => q.url.includes('/pulls/'))).toEqual([]);
    expect(outputValue(r.outputs, 'suggestions')).toBeUndefined();
  });

  it('from a results file there is no image to try a fix on: nothing is suggested, and that is said (issue 23)', async () => {
    const { root, event } = await pullRequest();
    const r = await scan(root, event, { target: 'results', results: ARF_FIXTURE });
    expect(r.code, r.stdout).toBe(0);
    expect(reviewPosts()).toEqual([]);
    expect(r.stdout).toMatch(
      /none verified \(this scan has no root filesystem to try it on \(target results\)/,
    );
    expect(outputValue(r.outputs, 'suggestions')).toBe('0');
  });

  it('a check with no one-command fix gets a value edit, tried as the edited file in a copy of the image (issue 23)', async () => {
    // the pull request turns MaxAuthTries 4 into 6; the image it baked (an overlay of the suite's
    // root filesystem, the script run in it with chroot as bake does) has MaxAuthTries 6
    const ssh = (n: number) =>
      [
        '#!/bin/sh',
        'set -eu',
        'cfg=/etc/ssh/sshd_config',
        'set_option() {',
        '  sed -i -E "/^#?[[:space:]]*$1[[:space:]]/Id" "$cfg"',
        '  sed -i "1i $1 $2" "$cfg"',
        '}',
        '# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less',
        `set_option MaxAuthTries ${n}`,
        '',
      ].join('\n');
    const { root, event } = await pullRequest('hardening/ssh.sh', ssh(4), ssh(6));
    const image = tmpDir('ami-bakery-suggest-image-');
    for (const d of ['u', 'w', 'm']) fs.mkdirSync(path.join(image, d));
    const m = path.join(image, 'm');
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${baseRootfs()},upperdir=${image}/u,workdir=${image}/w`,
      m,
    ]);
    try {
      fs.copyFileSync(path.join(root, 'hardening/ssh.sh'), path.join(m, 'tmp/step.sh'));
      await run('chroot', [m, '/bin/sh', '/tmp/step.sh']);
      fs.rmSync(path.join(m, 'tmp/step.sh'));
      const r = await scan(root, event, { target: `chroot:${m}` });
      expect(r.code, r.stdout).toBe(0);
      const [review] = reviewPosts();
      expect(review?.body.comments, r.stdout).toHaveLength(1);
      const [c] = review.body.comments;
      expect(c).toMatchObject({ path: 'hardening/ssh.sh', line: 9, side: 'RIGHT' });
      expect(c.body).toContain('**CIS 5.2.6 fails here.**');
      expect(c.body).toContain('Found: /etc/ssh/sshd\\_config: "MaxAuthTries 6"');
      expect(c.body).toContain('```suggestion\nset_option MaxAuthTries 4\n```');
      expect(c.body).toMatch(
        /run in a copy of the image first: verified in a copy of the image: the control passes, a key login works/,
      );
      // the copy is gone: the image itself still says 6
      expect(fs.readFileSync(path.join(m, 'etc/ssh/sshd_config'), 'utf8')).toMatch(/^MaxAuthTries 6$/m);
    } finally {
      await run('umount', [m]);
    }
  });
});

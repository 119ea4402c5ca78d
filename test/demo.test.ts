/** `npm run demo`, the main job: all four stages through the CLI against the local sandbox. */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tmpDir } from './helpers.js';
import { artifactPath, launchChromium } from './support/browser.js';
import { sarifProblems } from './support/sarif-validate.js';

describe('npm run demo', () => {
  let out = '';
  afterAll(async () => browser?.close());
  let browser: Browser | undefined;

  it('tells the true story: a real bug caught on its line and fixed by a tried suggestion, golden in 3 regions × 2 accounts, a dropped marker refused, a rollback to other inputs', async () => {
    out = tmpDir('ami-bakery-demo-out-');
    const images = path.join(out, 'images');
    // asynchronously: a worker blocked in spawnSync for over a minute misses vitest's own RPC deadline
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts/demo.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, AMI_BAKERY_DEMO_OUT: out, AMI_BAKERY_DEMO_IMAGE: images },
          encoding: 'utf8',
          timeout: 300_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.status, r.stdout.slice(-3000) + r.stderr.slice(-3000)).toBe(0);
    // on a supported Node the AWS SDK has nothing to warn about (issue 24)
    expect(r.stdout + r.stderr).not.toContain('NodeVersionSupportWarning');
    const page = fs.readFileSync(path.join(out, 'index.md'), 'utf8');
    const file = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
    const ssh = 'examples/ubuntu-22.04-cis/scripts/hardening/50-ssh.sh';
    const lineOf = (re: RegExp) =>
      fs
        .readFileSync(path.join(ROOT, ssh), 'utf8')
        .split('\n')
        .findIndex((l) => re.test(l)) + 1;

    // 1. the pull request's bug: the gate fails on exactly CIS 5.2.6, on the line of its marker
    expect(page).toMatch(/\| scan-pr-12 \| ❌ exit 1 .*gate=failed/);
    const failures = (f: string) =>
      (
        JSON.parse(file(f)) as Array<{
          path: string;
          start_line: number;
          annotation_level: string;
          title: string;
        }>
      ).filter((a) => a.annotation_level === 'failure');
    const pr12 = failures('pr-12-annotations.json');
    expect(pr12.map((a) => [a.path, a.start_line, a.title])).toEqual([
      [ssh, lineOf(/^# CIS 5\.2\.6 /), 'CIS 5.2.6: Set SSH authentication attempt limit'],
    ]);
    // the suggested change it posted was tried first, and is what fixes it
    expect(page).toContain('```suggestion\n> set_option MaxAuthTries 4\n> ```');
    expect(page).toMatch(
      /run in a copy of the image first: verified in a copy of the image: the control passes, a key login works/,
    );
    expect(file('log-promote-pr-12.txt')).toMatch(
      /promote refused ami-\w+: scan=passed: ami-bakery:scan is "failed".*Nothing was copied/,
    );

    // 2. the noise is classified and waived, each waiver with its reason and owner
    expect(page).toMatch(/\d+ failing rules are waived/);
    expect(page).toMatch(
      /`sshd_use_approved_ciphers` \[content-misfit\]: .*ComplianceAsCode\/content PR #10405/,
    );
    expect(page).toMatch(/`package_sudo_installed` \[not-installed\]: Offline build/);

    // 3. the fix merged: the gate passes and the image is golden in 3 regions × 2 accounts
    expect(page).toMatch(/\| scan \| ✅ .*gate=passed/);
    const amis = JSON.parse(/^amis=(.*)$/m.exec(file('log-promote.txt'))![1]) as Record<
      string,
      Record<string, string>
    >;
    expect(Object.keys(amis).sort()).toEqual(['111111111111', '222222222222']);
    for (const regions of Object.values(amis))
      expect(Object.keys(regions).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(page).toContain('Promote made it golden: 6 copies');
    expect(sarifProblems(path.join(out, 'scan.sarif'))).toEqual([]);

    // 4. the dropped marker fails the ratchet, on the line where the marker was
    expect(page).toMatch(/\| scan-pr-13 \| ❌ exit 1 .*ratchet=on/);
    const pr13 = failures('pr-13-annotations.json');
    expect(pr13.map((a) => [a.path, a.start_line])).toEqual([[ssh, lineOf(/^# CIS 5\.2\.4 /)]]);
    expect(pr13[0].title).toMatch(/^dropped: CIS 5\.2\.4 was implemented at /);

    // 5. the lifecycle: the second bake skips; the quarantine rolls back to last month's image (other inputs, passed)
    expect(page).toMatch(
      /\*\*Bake again with `skip-unchanged`:\*\* skipped, Packer did not run: golden image ami-\w+ .*has the same fingerprint/,
    );
    expect(file('log-bake-again.txt')).not.toContain('packer build');
    const rolled =
      /now names `(ami-\w+)` \(last month's golden copy: built from other inputs, commit [0-9a-f]{7}, and it passed\), and `web-servers` launches `(ami-\w+)`/.exec(
        page,
      );
    expect(rolled, page.slice(page.indexOf('## 5.'))).not.toBeNull();
    expect(rolled![2]).toBe(rolled![1]);

    // the two golden images, diffed by AMI id: last month's lacked the shell timeout, today's has it
    const diff = file('golden-diff.txt');
    expect(diff).toMatch(
      /^From (ami-\w+) \(reports\/last-month\.json\) to (ami-\w+) \(reports\/today\.json\)$/m,
    );
    expect(diff).toMatch(/^Controls: 0 newly failing, [1-9]\d* newly fixed$/m);
    expect(diff).toMatch(/^ {2}fixed: {3}CIS 5\.4\.5 /m);
    expect(diff).toMatch(/\*\*0 added, 0 removed, 0 upgraded, 0 downgraded\*\*/);
    expect(page).toContain("## What changed since last month's golden image");

    // 6. the page links what it names; 7. the images are cleaned up, and it says so
    for (const f of [
      'scan-report.html',
      'scan-report.json',
      'scan.sarif',
      'suggested-hardening.sh',
      'pr-12-annotations.json',
    ])
      expect(page).toContain(`](${f})`);
    for (const [, link] of page.matchAll(/\]\(([^)#]+)\)/g))
      expect(fs.existsSync(path.resolve(out, link)), link).toBe(true);
    expect(page).not.toMatch(/mark (those|the) lines differently/);
    expect(fs.existsSync(images)).toBe(false);
    expect(page).toContain(`The images' overlays in \`${images}\` were removed`);
    // every verify environment was destroyed: nothing listens on its port any more
    for (const [, port] of r.stdout.matchAll(/^http_port=(\d+)$/gm))
      expect(spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status).not.toBe(0);
  }, 320_000);

  // What a reviewer sees of the demo's report, rendered (issue 27): not the DOM, the boxes.
  it("the demo's HTML report reads in ten seconds: verdict first, one-line line numbers, bounded height, working filters", async () => {
    expect(out, 'the demo ran').not.toBe('');
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // the merged image's report: passed
    await page.goto(`file://${path.join(out, 'scan-report.html')}`);
    expect(await page.locator('#gate').textContent()).toBe('Gate passed');
    // the pull request's report, as its reviewer opens it: the verdict and its reason on the first screen
    await page.goto(`file://${path.join(out, 'pr-12-scan-report.html')}`);
    expect(await page.locator('#gate').textContent()).toBe('Gate failed');
    const reason = (await page.locator('#gate-reasons li').first().boundingBox())!;
    expect(reason.y + reason.height).toBeLessThan(900);
    expect(await page.locator('#gate-reasons').textContent()).not.toMatch(/more\)/);
    // the page stays short: hardening files are quoted by marker block, not embedded whole
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(12_000);
    // every line number is one line high
    const tall = await page
      .locator('details.file[open] td.ln')
      .evaluateAll(
        (els) =>
          els.filter(
            (e) => e.getBoundingClientRect().height > 1.5 * Number.parseFloat(getComputedStyle(e).lineHeight),
          ).length,
      );
    expect(await page.locator('details.file[open] td.ln').count()).toBeGreaterThan(0);
    expect(tall).toBe(0);
    // each filter changes what is visible
    const shown = () => page.locator('tr.row:visible').count();
    const all = await shown();
    for (const status of ['error', 'warning']) {
      await page.locator(`#filters input[name=status][value=${status}]`).uncheck();
      expect(await shown(), status).toBeLessThan(all);
      await page.locator(`#filters input[name=status][value=${status}]`).check();
    }
    await page.locator('#filters input[name=implemented]').check();
    expect(await shown()).toBeLessThan(all);
    await page.locator('#filters input[name=implemented]').uncheck();
    await page.locator('#filters input[name=q]').fill('chrony');
    expect(await shown()).toBeGreaterThan(0);
    expect(await shown()).toBeLessThan(all);
    await page.locator('#filters input[name=q]').fill('');
    const png = artifactPath('demo-report.png');
    await page.screenshot({ path: png });
    if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(png, path.join(ROOT, 'docs/report-html.png'));
    // the re-scan of the image in use writes one too, with the trend
    await page.goto(`file://${path.join(out, 'rescan-report.html')}`);
    expect(await page.locator('table.trend tbody tr').count()).toBeGreaterThan(1);
    await page.close();
  }, 60_000);
});

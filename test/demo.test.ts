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

  it('bakes, verifies, scans; the default gate fails on claimed controls and promote refuses; writes a page', async () => {
    out = tmpDir('ami-bakery-demo-out-');
    // asynchronously: a worker blocked in spawnSync for over a minute misses vitest's own RPC deadline
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts/demo.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, AMI_BAKERY_DEMO_OUT: out, AMI_BAKERY_DEMO_IMAGE: path.join(out, 'image') },
          encoding: 'utf8',
          timeout: 240_000,
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
    expect(page).toMatch(/\| bake \| ✅ .*cis-changes=72/);
    expect(page).toMatch(/\| verify \| ✅ .*passed=2/);
    expect(page).toMatch(/\| scan \| ❌ exit 1 .*gate=failed/);
    expect(page).toMatch(/\| promote \| ❌ exit 1 /);
    expect(page).toContain('the scan gate failed, so promote refused it');
    expect(page).toContain('**Simulated:**');
    // a reviewed waiver applied (out of the score), a suggested fix written, the HTML report beside the JSON one
    expect(page).toMatch(
      /\*\*Waived\*\* CIS 1\.1\.2 .*waived until \d{4}-\d\d-\d\d by platform-team@example\.com/,
    );
    expect(page).toMatch(/`suggested-hardening\.sh` holds [1-9]\d* remediation\(s\)/);
    expect(page).toMatch(/```sh\n# CIS [\d.]+ /);
    expect(fs.readFileSync(path.join(out, 'scan-report.html'), 'utf8')).toContain('data-status="waived"');
    // the lifecycle: the second bake skips; the failed re-scan quarantines and rolls back
    expect(page).toMatch(
      /2\. \*\*Bake again with `skip-unchanged`:\*\* skipped, Packer did not run: golden image ami-\w+ .*has the same fingerprint/,
    );
    expect(page).toMatch(/4\. \*\*The weekly re-scan\*\* of that image in use failed its gate \(exit 1\)/);
    const rolled =
      /now names `(ami-\w+)` \(last month's golden copy\) and `web-servers` launches `(ami-\w+)`/.exec(page);
    expect(
      rolled,
      page.slice(page.indexOf('## The image lifecycle'), page.indexOf('## Job summaries')),
    ).not.toBeNull();
    expect(rolled![2]).toBe(rolled![1]);
    expect(page).toMatch(
      /\| 111111111111 \| us-east-1 \| `ami-\w+` `ami-\w+` \| — \| — \| rolled back from ami-\w+ to ami-\w+/,
    );
    expect(fs.readFileSync(path.join(out, 'log-bake-again.txt'), 'utf8')).not.toContain('packer build');
    // annotations land on the example's hardening-script lines, by CIS ID
    const annotations = fs.readFileSync(path.join(out, 'annotations.txt'), 'utf8');
    const m =
      /error: (examples\/ubuntu-22\.04-cis\/scripts\/hardening\/[\w.-]+\.sh):(\d+): CIS ([\d.]+):/.exec(
        annotations,
      );
    expect(m, annotations.slice(0, 2000)).not.toBeNull();
    const line = fs.readFileSync(path.join(ROOT, m![1]), 'utf8').split('\n')[Number(m![2]) - 1];
    expect(line).toMatch(new RegExp(`^# CIS .*\\b${m![3].replace(/\./g, '\\.')}\\b`));
    const sarif = JSON.parse(fs.readFileSync(path.join(out, 'scan.sarif'), 'utf8'));
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    expect(sarifProblems(path.join(out, 'scan.sarif'))).toEqual([]);
    // promote refused the image: nothing was copied
    const promoteLog = fs.readFileSync(path.join(out, 'log-promote.txt'), 'utf8');
    expect(promoteLog).toMatch(
      /promote refused ami-\w+: scan=passed: ami-bakery:scan is "failed".*Nothing was copied/,
    );
    expect(promoteLog).not.toMatch(/copying as ami-/);
    expect(fs.readFileSync(path.join(out, 'summary-promote.md'), 'utf8')).toContain(
      '## ami-bakery promote: refused',
    );
    // the verify environment was destroyed: nothing listens on its port any more
    const port = /^http_port=(\d+)$/m.exec(r.stdout)![1];
    expect(spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status).not.toBe(0);
  }, 260_000);

  // What a reviewer sees of the demo's report, rendered (issue 27): not the DOM, the boxes.
  it("the demo's HTML report reads in ten seconds: verdict first, one-line line numbers, bounded height, working filters", async () => {
    expect(out, 'the demo ran').not.toBe('');
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`file://${path.join(out, 'scan-report.html')}`);
    // the verdict and its reason on the first screen
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

/**
 * Foreign text in the HTML report is data (issue 22: 16): a baseline report and a waiver file carry
 * markup in every string field a report shows; the committed bundle writes the report; headless
 * Chromium (Debian's, driven by playwright-core) loads it. No injected element exists in the DOM,
 * no injected script runs, and the report's own script still filters. A baseline whose `line` is
 * markup instead of a number is refused before the scan.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, FIXTURES, runActionBundle, tmpDir } from './helpers.js';
import { launchChromium } from './support/browser.js';

const XSS =
  '<img src=x id=injected onerror="document.title=\'pwned\'"><script id=injected2>document.title="pwned"</script>';
let browser: Browser;
let root: string;

beforeAll(async () => {
  browser = await launchChromium();
  root = tmpDir('ami-bakery-xss-');
  fs.cpSync(path.join(FIXTURES, 'hardening'), path.join(root, 'hardening'), { recursive: true });
});
afterAll(async () => browser?.close());

const scan = (extra: Record<string, string>) =>
  runActionBundle(
    'action-scan',
    {
      target: 'results',
      results: ARF_FIXTURE,
      'hardening-scripts': 'hardening/**',
      'fail-on': 'none',
      'min-score': '0',
      'report-file': 'out/scan.json',
      ...extra,
    },
    { GITHUB_WORKSPACE: root },
    { cwd: root },
  );

describe('the HTML report shows foreign text as text', () => {
  it('markup in a baseline and a waiver never becomes an element or runs', async () => {
    const first = await scan({});
    expect(first.code, first.stdout).toBe(0);
    const earlier = JSON.parse(fs.readFileSync(path.join(root, 'out/scan.json'), 'utf8'));
    // the baseline: a control that passes now failed then (a "fixed" row), every string field marked up
    const passing = earlier.findings.find((f: { status: string }) => f.status === 'pass');
    Object.assign(passing, {
      status: 'fail',
      title: `title ${XSS}`,
      expected: `expected ${XSS}`,
      found: `found ${XSS}`,
      waiver: {
        reason: `reason ${XSS}`,
        owner: `owner ${XSS}`,
        expires: '2030-01-01',
        file: `w${XSS}.yml`,
        line: 3,
      },
    });
    fs.writeFileSync(path.join(root, 'baseline.json'), JSON.stringify({ ...earlier, profile: `p ${XSS}` }));
    fs.writeFileSync(
      path.join(root, 'waivers.yml'),
      `waivers:\n  - id: "1.1.2"\n    reason: ${JSON.stringify(`r ${XSS}`)}\n    owner: ${JSON.stringify(`o ${XSS}`)}\n    expires: 2030-01-01\n`,
    );
    const r = await scan({
      baseline: 'baseline.json',
      waivers: 'waivers.yml',
      'report-html': 'out/scan.html',
    });
    // the baseline's profile is another (marked-up) one: the ratchet cannot compare and fails closed,
    // saying so with that text in the summary, the log and the page
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('nothing can be compared (ratchet;');
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${path.join(root, 'out/scan.html')}`);
    expect(await page.locator('#injected, #injected2').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1); // the report's own
    expect(await page.title()).not.toBe('pwned');
    expect(dialogs).toEqual([]);
    // the text is there, as text
    expect(await page.locator('tr.row[data-status="fixed"]').first().textContent()).toContain('<img src=x');
    expect(await page.locator('#ratchet').textContent()).toContain('profile p <img src=x');
    // the report's own script runs under its CSP hash: the filter works
    await page.goto(`file://${path.join(root, 'out/scan.html')}#status=fixed`);
    expect(await page.locator('#shown').textContent()).toMatch(/^showing 1 of \d+$/);
    await page.close();
  });

  it('a baseline whose fields are not of their type is refused before the scan', async () => {
    const earlier = JSON.parse(fs.readFileSync(path.join(root, 'out/scan.json'), 'utf8'));
    const bad = [
      {
        ...earlier,
        findings: [
          {
            ...earlier.findings[0],
            waiver: { reason: 'r', owner: 'o', expires: '2030-01-01', file: 'w', line: XSS },
          },
        ],
      },
      { ...earlier, generatedAt: 1700000000 },
      { ...earlier, findings: [null] },
      { ...earlier, findings: [{ ...earlier.findings[0], cisIds: '5.2.6' }] },
    ];
    for (const doc of bad) {
      fs.writeFileSync(path.join(root, 'bad.json'), JSON.stringify(doc));
      const r = await scan({ baseline: 'bad.json', 'report-file': 'out2/scan.json' });
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(
        /^::error::Input "baseline": bad\.json is not a valid ami-bakery\/scan-report@1: /m,
      );
      expect(r.stdout).not.toContain('<img');
      expect(fs.existsSync(path.join(root, 'out2'))).toBe(false);
    }
  });
});

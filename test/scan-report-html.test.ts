/**
 * The HTML report (report-html) as a reviewer sees it: the committed bundle scans the recorded real
 * ARF with a waiver, a baseline and an earlier report; headless Chromium (Debian's, driven by
 * playwright-core) loads the file with no network and the rendered page is checked: the verdict and
 * its reason on the first screen, one row per control with its rules beneath, line numbers one line
 * high, filters that change what is visible and say when nothing matches or a link asks for what the
 * report does not know, quoted marker blocks instead of whole files, the trend with dates and images.
 * A screenshot goes to test-artifacts/ (CI keeps it; the demo's report is the one in docs/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, type BundleResult, FIXTURES, outputValue, runActionBundle, tmpDir } from './helpers.js';
import { artifactPath, launchChromium } from './support/browser.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const SHA = 'a'.repeat(40);

let root: string;
let r: BundleResult;
let html: string;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  root = tmpDir('ami-bakery-html-');
  fs.cpSync(path.join(FIXTURES, 'hardening'), path.join(root, 'hardening'), { recursive: true });
  // a big hardening file with no failing control: named, never embedded
  fs.writeFileSync(
    path.join(root, 'hardening/scripts/99-big.sh'),
    `#!/bin/sh\n${'echo filler line\n'.repeat(200_000)}`,
  );
  fs.mkdirSync(path.join(root, 'compliance'));
  fs.writeFileSync(
    path.join(root, 'compliance/waivers.yml'),
    `waivers:\n  - id: "1.1.2"\n    reason: single-volume image, /tmp is a tmpfs\n    owner: platform@example.com\n    expires: ${day(120)}\n`,
  );
  const inputs = {
    target: 'results',
    results: ARF_FIXTURE,
    'hardening-scripts': 'hardening/**',
    'report-file': 'out/scan-report.json',
  };
  const env = {
    GITHUB_WORKSPACE: root,
    GITHUB_REPOSITORY: 'acme/images',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.example',
  };
  const first = await runActionBundle(
    'action-scan',
    { ...inputs, 'fail-on': 'none', 'min-score': '0' },
    env,
    { cwd: root },
  );
  expect(first.code, first.stdout).toBe(0);
  // the baseline: an earlier image on which one control that passes now still failed
  const earlier = JSON.parse(fs.readFileSync(path.join(root, 'out/scan-report.json'), 'utf8'));
  const passing = earlier.findings.find((f: { status: string }) => f.status === 'pass');
  passing.status = 'fail';
  // …and on which one control that fails now passed: a new failure
  const nowFailing = earlier.findings.find(
    (f: { status: string; location?: string }) => f.status === 'fail' && f.location,
  );
  nowFailing.status = 'pass';
  fs.writeFileSync(
    path.join(root, 'baseline.json'),
    JSON.stringify({
      ...earlier,
      generatedAt: '2026-10-01T08:00:00Z',
      score: 52.4,
      amiId: 'ami-0baseline00000001',
    }),
  );
  fs.writeFileSync(
    path.join(root, 'older.json'),
    JSON.stringify({
      ...earlier,
      generatedAt: '2026-09-01T08:30:00Z',
      score: 41.2,
      amiId: 'ami-0older000000001',
    }),
  );
  // the default gate: claimed controls that fail fail it
  r = await runActionBundle(
    'action-scan',
    { ...inputs, waivers: 'compliance/waivers.yml', baseline: 'baseline.json', history: 'older.json' },
    env,
    { cwd: root },
  );
  expect(r.code, r.stdout).toBe(1);
  html = path.join(root, 'out/scan-report.html');
}, 180_000);
afterAll(async () => browser?.close());

async function open(hash = '', width = 1400, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`file://${html}${hash}`);
  return page;
}

const visibleRows = (page: Page) => page.locator('tr.row:visible').count();

describe('the HTML report, rendered', () => {
  it('is written next to the JSON report, named in the outputs, and embeds no whole file', () => {
    expect(outputValue(r.outputs, 'report-html')).toBe('out/scan-report.html');
    expect(r.stdout).toMatch(/HTML report: out\/scan-report\.html \(\d+ KiB, self-contained\)/);
    const size = fs.statSync(html).size;
    expect(size, 'a 3 MB hardening file with no failure is not embedded').toBeLessThan(600_000);
    expect(fs.readFileSync(html, 'utf8')).not.toContain('echo filler line');
  });

  it('the verdict, every failed requirement and the new failure are on the first screen', async () => {
    const page = await open();
    const gate = page.locator('#gate');
    expect(await gate.textContent()).toBe('Gate failed');
    const reasons = page.locator('#gate-reasons li');
    expect(await reasons.count()).toBeGreaterThan(0);
    const first = (await reasons.first().boundingBox())!;
    expect(first.y + first.height).toBeLessThan(900);
    const text = (await reasons.allTextContents()).join('\n');
    expect(text).not.toMatch(/more\)/);
    expect(text).toMatch(/fail-on: implemented/);
    const newOnes = (await page.locator('#new-failures').textContent()) ?? '';
    expect(newOnes).toMatch(/New since the baseline \(1\)/);
    expect(await page.locator('#score').textContent()).toBe(`${outputValue(r.outputs, 'score')}%`);
    await page.close();
  });

  it('provenance in the header: the commit, the run, the content release', async () => {
    const page = await open();
    const prov = (await page.locator('#provenance').textContent()) ?? '';
    expect(prov).toContain(SHA.slice(0, 12));
    expect(prov).toMatch(/Content\s*0\.1\.\d+/);
    expect(
      await page.locator('#provenance a[href="https://github.example/acme/images/actions/runs/42"]').count(),
    ).toBe(1);
    await page.close();
  });

  it('one row per control, its rules beneath, what fails the gate first, then the rest by severity', async () => {
    const page = await open();
    const rows = page.locator('tr.row');
    const statuses = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
    const rank = ['error', 'warning', 'notice', 'waived', 'fixed'];
    const ranks = statuses.map((s) => rank.indexOf(s!));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(statuses[0]).toBe('error');
    // every failing rule is under exactly one row; the waived one is its own row
    const rules = await page
      .locator('tr.row:not([data-status="fixed"]):not([data-status="waived"]) ul.rules > li')
      .count();
    expect(rules).toBe(Number(outputValue(r.outputs, 'failed')));
    expect(await page.locator('tr.row[data-status="waived"]').count()).toBe(1);
    expect(await page.locator('tr.row[data-status="fixed"]').count()).toBe(1);
    const controls = await page.locator('tr.row td.control').allTextContents();
    expect(new Set(controls).size, 'a control is one row').toBe(controls.length);
    // a location links to its line at the commit
    const link = page.locator('tr.row[data-status="error"] a').first();
    expect(await link.getAttribute('href')).toMatch(
      new RegExp(`^https://github\\.example/acme/images/blob/${SHA}/hardening/scripts/[\\w.-]+\\.sh#L\\d+$`),
    );
    // the new failure wears its badge
    expect(await page.locator('tr.row .badge.new').count()).toBe(1);
    await page.close();
  });

  it('line numbers are one line high, and only marker blocks are quoted', async () => {
    const page = await open();
    const boxes = await page.locator('details.file[open] td.ln').evaluateAll((els) =>
      els
        .filter((e) => /^\d{2,}$/.test(e.textContent ?? ''))
        .map((e) => ({
          h: e.getBoundingClientRect().height,
          lh: Number.parseFloat(getComputedStyle(e).lineHeight),
        })),
    );
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) expect(b.h).toBeLessThan(b.lh * 1.5);
    expect(await page.locator('#quoted').textContent()).toMatch(/Quoted: \d+ of \d+ lines/);
    // CIS 5.2.6's marker line, with the failure under it
    const marker = page.locator('[id="hardening/scripts/20-ssh.sh:22"]');
    expect(await marker.textContent()).toContain('# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less');
    const comment = page.locator('[id="hardening/scripts/20-ssh.sh:22"] + tr.inline');
    expect(await comment.textContent()).toMatch(/CIS 5\.2\.6.*Set SSH authentication attempt limit/s);
    expect(await page.locator('#files').textContent()).toContain('99-big.sh');
    expect(await page.locator('details.file[data-path="hardening/scripts/99-big.sh"]').count()).toBe(0);
    await page.close();
  });

  it('each filter changes what is visible, in every section', async () => {
    const page = await open();
    const all = await visibleRows(page);
    const inlineAll = await page.locator('tr.inline:visible').count();
    for (const status of ['error', 'warning', 'waived', 'fixed']) {
      const box = page.locator(`#filters input[name=status][value=${status}]`);
      await box.uncheck();
      expect(await visibleRows(page), `unchecking ${status}`).toBeLessThan(all);
      await box.check();
    }
    await page.locator('#filters input[name=status][value=error]').uncheck();
    expect(await page.locator('tr.inline:visible').count(), 'the files section follows').toBeLessThan(
      inlineAll,
    );
    await page.locator('#filters input[name=status][value=error]').check();
    await page.locator('#filters input[name=new]').check();
    expect(await visibleRows(page)).toBe(1);
    await page.locator('#filters input[name=new]').uncheck();
    await page.locator('#filters input[name=implemented]').check();
    expect(await visibleRows(page)).toBeLessThan(all);
    await page.locator('#filters input[name=implemented]').uncheck();
    const severities = await page.locator('#filters select[name=severity] option').allTextContents();
    expect(severities.length).toBeGreaterThan(2);
    await page.locator('#filters select[name=severity]').selectOption(severities[1]);
    expect(await visibleRows(page)).toBeLessThan(all);
    await page.locator('#filters select[name=severity]').selectOption('');
    await page.locator('#filters input[name=q]').fill('no such control anywhere');
    expect(await visibleRows(page)).toBe(0);
    expect(await page.locator('#nothing').isVisible()).toBe(true);
    expect(page.url()).toContain('q=no+such+control+anywhere');
    await page.close();
  });

  it('a link opens the same view, and one asking for what the report does not know says so', async () => {
    const waived = await open('#status=waived');
    expect(await visibleRows(waived)).toBe(1);
    await waived.close();
    const bad = await open('#severity=critical&colour=red');
    const problem = bad.locator('#filter-problem');
    expect(await problem.isVisible()).toBe(true);
    const said = (await problem.textContent()) ?? '';
    expect(said).toMatch(/severity=critical \(in this report: [a-z, ]+\)/);
    expect(said).toMatch(/colour \(not a filter/);
    await bad.close();
  });

  it('the trend shows dates with times and image ids', async () => {
    const page = await open();
    expect(await page.locator('svg.trend circle').count()).toBe(3);
    const table = (await page.locator('table.trend').textContent()) ?? '';
    expect(table).toContain('2026-09-01 08:30:00 UTC');
    expect(table).toContain('ami-0older000000001');
    expect(table).toContain('ami-0baseline00000001');
    await page.close();
  });

  it('renders to a screenshot, kept for CI', async () => {
    const page = await open('', 1280, 1000);
    const png = artifactPath('report-html.png');
    await page.screenshot({ path: png });
    await page.close();
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  });
});

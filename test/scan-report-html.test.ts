/**
 * The HTML report (report-html) in a real browser: the committed bundle scans the recorded real ARF
 * with a waiver, a baseline and an earlier report; headless Chromium (Debian `chromium`) loads the
 * file with no network, runs its script, and the rendered DOM is checked: the score and counts the
 * step output, one row per failing/waived/fixed control, the filter from the URL's hash, the failing
 * control inline under its marker line, the trend. `UPDATE_SCREENSHOTS=1` refreshes docs/report-html.png.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARF_FIXTURE,
  type BundleResult,
  FIXTURES,
  outputValue,
  ROOT,
  runActionBundle,
  tmpDir,
} from './helpers.js';

const run = promisify(execFile);

function chromiumArgs(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--no-first-run',
    `--user-data-dir=${profile}`,
  ];
}

/** The DOM after the page's script ran. */
async function renderedDom(url: string): Promise<string> {
  const r = await run('chromium', [...chromiumArgs(tmpDir('ami-bakery-chromium-')), '--dump-dom', url], {
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.stdout;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let root: string;
let r: BundleResult;
let html: string;

beforeAll(async () => {
  root = tmpDir('ami-bakery-html-');
  fs.cpSync(path.join(FIXTURES, 'hardening'), path.join(root, 'hardening'), { recursive: true });
  fs.mkdirSync(path.join(root, 'compliance'));
  fs.writeFileSync(
    path.join(root, 'compliance/waivers.yml'),
    `waivers:\n  - id: "1.1.2"\n    reason: single-volume image, /tmp is a tmpfs\n    owner: platform@example.com\n    expires: ${day(120)}\n`,
  );
  const inputs = {
    target: 'results',
    results: ARF_FIXTURE,
    'hardening-scripts': 'hardening/**',
    'fail-on': 'none',
    'min-score': '0',
    'report-file': 'out/scan-report.json',
  };
  const env = { GITHUB_WORKSPACE: root };
  const first = await runActionBundle('action-scan', inputs, env, { cwd: root });
  expect(first.code, first.stdout).toBe(0);
  // the baseline: an earlier image on which one control that passes now still failed
  const earlier = JSON.parse(fs.readFileSync(path.join(root, 'out/scan-report.json'), 'utf8'));
  const passing = earlier.findings.find((f: { status: string }) => f.status === 'pass');
  passing.status = 'fail';
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
      generatedAt: '2026-09-01T08:00:00Z',
      score: 41.2,
      amiId: 'ami-0older000000001',
    }),
  );
  r = await runActionBundle(
    'action-scan',
    { ...inputs, waivers: 'compliance/waivers.yml', baseline: 'baseline.json', history: 'older.json' },
    env,
    { cwd: root },
  );
  expect(r.code, r.stdout).toBe(0);
  html = path.join(root, 'out/scan-report.html');
}, 180_000);

const count = (dom: string, re: RegExp) => (dom.match(re) ?? []).length;

describe('HTML report in headless Chromium', () => {
  it('is written next to the JSON report and named in the outputs', () => {
    expect(outputValue(r.outputs, 'report-html')).toBe('out/scan-report.html');
    expect(fs.existsSync(html)).toBe(true);
    expect(r.stdout).toMatch(/HTML report: out\/scan-report\.html \(\d+ KiB, self-contained\)/);
  });

  it('shows the score and counts the step output, one row per failing, waived and fixed control', async () => {
    const dom = await renderedDom(`file://${html}`);
    const failed = Number(outputValue(r.outputs, 'failed'));
    expect(dom).toContain(`<span class="score" id="score">${outputValue(r.outputs, 'score')}%</span>`);
    expect(dom).toContain(`<td data-count="failed">${failed}</td>`);
    expect(dom).toContain('<td data-count="waived">1</td>');
    expect(count(dom, /<tr class="row" data-status="failing"/g)).toBe(failed);
    expect(count(dom, /<tr class="row" data-status="waived"/g)).toBe(1);
    expect(count(dom, /<tr class="row" data-status="fixed"/g)).toBe(1);
    // the page's script ran: it counted the rows it shows
    expect(dom).toContain(`showing ${failed + 2} of ${failed + 2}`);
    expect(dom).toContain('Waived until');
  });

  it('the hash filters the table: #status=waived shows the waived control alone', async () => {
    const dom = await renderedDom(`file://${html}#status=waived`);
    const failed = Number(outputValue(r.outputs, 'failed'));
    expect(dom).toContain(`showing 1 of ${failed + 2}`);
    expect(count(dom, /<tr class="row" data-status="failing"[^>]*hidden/g)).toBe(failed);
    expect(dom).toMatch(/<tr class="row" data-status="waived"(?![^>]*hidden)[^>]*>/);
  });

  it('shows the failing control inline under its marker line, like a pull request’s files view', async () => {
    const dom = await renderedDom(`file://${html}`);
    const line = 'id="hardening/scripts/20-ssh.sh:22"';
    const at = dom.indexOf(line);
    expect(at, 'the marker line of CIS 5.2.6').toBeGreaterThan(0);
    const next = dom.indexOf('id="hardening/scripts/20-ssh.sh:23"');
    const between = dom.slice(at, next);
    expect(between).toContain('<pre># CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less</pre>');
    expect(between).toMatch(
      /<tr class="inline failing" data-line="22">.*CIS 5\.2\.6.*Set SSH authentication attempt limit/s,
    );
  });

  it('draws the trend: the earlier report, the baseline, this scan', async () => {
    const dom = await renderedDom(`file://${html}`);
    expect(count(dom, /<circle /g)).toBe(3);
    expect(dom).toMatch(/<circle [^>]*data-score="41\.2"/);
    expect(dom).toMatch(/<circle [^>]*data-score="52\.4"/);
    expect(r.summary).toContain('xychart-beta');
    expect(r.summary).toMatch(/line \[41\.2, 52\.4, [\d.]+\]/);
  });

  it('renders to a screenshot (docs/report-html.png with UPDATE_SCREENSHOTS=1)', async () => {
    const png = path.join(tmpDir(), 'report.png');
    await run(
      'chromium',
      [
        ...chromiumArgs(tmpDir('ami-bakery-chromium-')),
        `--screenshot=${png}`,
        '--window-size=1280,1500',
        `file://${html}`,
      ],
      { timeout: 90_000 },
    );
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000);
    if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(png, path.join(ROOT, 'docs/report-html.png'));
  });
});

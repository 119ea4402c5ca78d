import { describe, expect, it } from 'vitest';
import { buildHtmlReport, htmlReportPath } from '../../action-scan/src/report/html.js';
import { REPORT_SCHEMA, type ScanReport } from '../../action-scan/src/report/report.js';
import {
  mergeTrend,
  mermaidTrend,
  type TrendPoint,
  trendFromImages,
  trendFromReports,
  trendSvg,
} from '../../action-scan/src/report/trend.js';

const image = (id: string, date: string, score?: string, profile = 'cis_level1_server') => ({
  ImageId: id,
  Name: `golden-${date}`,
  CreationDate: date,
  Tags: [
    ...(score === undefined ? [] : [{ Key: 'ami-bakery:cis-score', Value: score }]),
    { Key: 'ami-bakery:cis-profile', Value: profile },
  ],
});

const now: TrendPoint = { date: '2026-11-23T10:00:00Z', score: 83.1, amiId: 'ami-0new', source: 'this scan' };

describe('score trend', () => {
  it('golden images with a score of this profile are points; unscored and other profiles are not', () => {
    const pts = trendFromImages(
      [
        image('ami-01', '2026-09-01T00:00:00Z', '70.5'),
        image('ami-02', '2026-10-01T00:00:00Z'),
        image('ami-03', '2026-10-15T00:00:00Z', '90', 'stig'),
        image('ami-04', '2026-10-20T00:00:00Z', 'n/a'),
      ],
      'cis_level1_server',
    );
    expect(pts).toEqual([
      {
        date: '2026-09-01T00:00:00Z',
        score: 70.5,
        source: 'golden image',
        amiId: 'ami-01',
        name: 'golden-2026-09-01T00:00:00Z',
      },
    ]);
  });

  it('one point per image (the golden tag wins over a report of it), oldest first, this scan last, at most max', () => {
    const golden = trendFromImages([image('ami-01', '2026-09-01T00:00:00Z', '70.5')]);
    const reports = trendFromReports([
      { generatedAt: '2026-08-31T00:00:00Z', score: 69, amiId: 'ami-01' },
      { generatedAt: '2026-10-02T00:00:00Z', score: 75 },
      { generatedAt: '2026-11-23T09:00:00Z', score: 80, amiId: 'ami-0new' },
    ]);
    const t = mergeTrend([...reports, ...golden], now);
    expect(t.map((p) => [p.score, p.source])).toEqual([
      [70.5, 'golden image'],
      [75, 'report'],
      [83.1, 'this scan'],
    ]);
    expect(mergeTrend([...reports, ...golden], now, 2).map((p) => p.score)).toEqual([75, 83.1]);
  });

  it('the job summary chart is Mermaid xychart-beta, only with two points or more', () => {
    expect(mermaidTrend([now])).toBeUndefined();
    const m = mermaidTrend([{ ...now, date: '2026-10-02T00:00:00Z', source: 'report', score: 75 }, now])!;
    expect(m).toContain('xychart-beta');
    expect(m).toContain('x-axis ["10-02", "11-23 (this)"]');
    expect(m).toContain('line [75, 83.1]');
  });

  it('the SVG draws one dot per point, this scan in its own colour', () => {
    const svg = trendSvg([{ ...now, source: 'report', score: 40 }, now]);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('class="this" data-score="83.1"');
  });
});

const report = (): ScanReport => ({
  schema: REPORT_SCHEMA,
  generatedAt: '2026-11-23T10:00:00Z',
  profile: 'xccdf_org.ssgproject.content_profile_cis_level1_server',
  target: 'vm',
  sources: [],
  score: 50,
  weightedScore: 48,
  counts: {
    total: 4,
    passed: 1,
    failed: 1,
    errors: 0,
    notapplicable: 0,
    notchecked: 0,
    informational: 0,
    waived: 1,
  },
  findings: [
    {
      engine: 'openscap',
      ruleId: 'xccdf_org.ssgproject.content_rule_a',
      title: 'Title <script>alert(1)</script>',
      severity: 'high',
      status: 'fail',
      cisIds: ['5.2.6'],
      location: 'scripts/ssh.sh:2',
      found: 'MaxAuthTries 6',
    },
    {
      engine: 'openscap',
      ruleId: 'xccdf_org.ssgproject.content_rule_b',
      title: 'Tmp partition',
      severity: 'low',
      status: 'fail',
      cisIds: ['1.1.2'],
      waiver: { reason: 'tmpfs', owner: 'me', expires: '2027-01-01', file: 'waivers.yml', line: 2 },
    },
    { engine: 'openscap', ruleId: 'c', title: 'passes', severity: 'low', status: 'pass', cisIds: [] },
  ],
});

describe('HTML report', () => {
  const html = buildHtmlReport({
    title: 'scan',
    report: report(),
    gate: { verdict: 'failed', reasons: ['1 control(s) the hardening code claims fail'] },
    annotations: [],
    diff: {
      baselineScore: 40,
      scoreDelta: 10,
      newFailures: [],
      fixed: [
        {
          engine: 'openscap',
          ruleId: 'd',
          title: 'Fixed one',
          severity: 'low',
          status: 'fail',
          cisIds: ['6.1.1'],
        },
      ],
    },
    trend: [],
    files: [{ path: 'scripts/ssh.sh', text: '#!/bin/sh\n# CIS 5.2.6\necho MaxAuthTries 6\n' }],
  });

  it('is self-contained: a CSP forbids fetching anything, and nothing points outside the file', () => {
    // the report's own script only, by its hash: no inline handler or injected script would run
    expect(html).toMatch(
      /content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:"/,
    );
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
  });

  it('escapes what the scanner reports', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('has a row per failing, waived and fixed control (passing ones are not rows)', () => {
    expect(html.match(/<tr class="row" data-status="warning"/g)).toHaveLength(1);
    expect(html.match(/<tr class="row" data-status="waived"/g)).toHaveLength(1);
    expect(html.match(/<tr class="row" data-status="fixed"/g)).toHaveLength(1);
    expect(html).toContain('Waived until 2027-01-01 by me: tmpfs');
  });

  it('shows the failing control under its marker line in the file view', () => {
    const at = html.indexOf('id="scripts/ssh.sh:2"');
    expect(at).toBeGreaterThan(0);
    expect(html.slice(at).indexOf('<tr class="inline"')).toBeLessThan(
      html.slice(at).indexOf('id="scripts/ssh.sh:3"'),
    );
  });
});

describe('report-html path', () => {
  it('defaults next to the JSON report; none turns it off; no report-file, no default', () => {
    expect(htmlReportPath('', 'out/scan-report.json')).toBe('out/scan-report.html');
    expect(htmlReportPath('', '')).toBe('');
    expect(htmlReportPath('none', 'out/r.json')).toBe('');
    expect(htmlReportPath('audit/r.html', 'out/r.json')).toBe('audit/r.html');
  });
});

/** The ratchet, pure (issue 23): what the baseline claimed and passed is the floor. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../action-scan/src/findings.js';
import {
  evaluateRatchet,
  ratchetLine,
  ratchetReasons,
  whereMarkerWas,
} from '../../action-scan/src/ratchet.js';
import { REPORT_SCHEMA, type ScanReport } from '../../action-scan/src/report/report.js';

const f = (ruleId: string, status: Finding['status']): Finding =>
  ({
    engine: 'openscap',
    ruleId,
    title: ruleId,
    severity: 'medium',
    status,
    cisIds: [],
  }) as unknown as Finding;
const c = (control: string, rules: string[], passed = true) => ({
  control,
  location: `s.sh:${control.length}`,
  title: control,
  rules: rules.map((r) => `openscap:${r}`),
  passed,
});
const baseline = (over: Partial<ScanReport> = {}): ScanReport => ({
  schema: REPORT_SCHEMA,
  generatedAt: '2026-11-01T00:00:00Z',
  profile: 'xccdf_org.ssgproject.content_profile_cis_level1_server',
  sources: [],
  score: 80,
  weightedScore: 80,
  counts: { total: 0, passed: 0, failed: 0, errors: 0, notapplicable: 0, notchecked: 0, informational: 0 },
  amiId: 'ami-0aaaaaaaaaaaaaaaa',
  findings: [],
  claimed: [c('CIS 1.1', ['a']), c('CIS 2.2', ['b']), c('CIS 3.3', ['x']), c('CIS 4.4', ['d'], false)],
  ...over,
});
const run = (over: Partial<Parameters<typeof evaluateRatchet>[0]> = {}) =>
  evaluateRatchet({
    on: true,
    baseline: baseline(),
    profile: 'cis_level1_server',
    score: 80,
    findings: [f('a', 'pass'), f('b', 'fail'), f('d', 'fail')],
    claimed: [c('CIS 2.2', ['b'], false)],
    waived: () => false,
    ...over,
  });

describe('the ratchet', () => {
  it('dropped (no marker now), regressed (fails now), not evaluated; a control that failed before is no floor', () => {
    const r = run();
    expect(r.dropped.map((x) => x.control)).toEqual(['CIS 1.1']);
    expect(r.regressed.map((x) => x.control)).toEqual(['CIS 2.2']);
    expect(r.notCompared.map((x) => x.control)).toEqual(['CIS 3.3']);
    expect(r.kept).toBe(0);
    expect(ratchetReasons(r).join('\n')).toMatch(
      /dropped: 1 control\(s\) .* in ami-0aaaaaaaaaaaaaaaa .*CIS 1\.1 \(was at s\.sh:7\)/,
    );
  });
  it('a waiver is the only exception', () => {
    const r = run({ waived: (x) => x.ruleId === 'a' });
    expect(r.dropped).toEqual([]);
    expect(r.waived.map((x) => x.control)).toEqual(['CIS 1.1']);
  });
  it('compared by rule, not by number: a control renamed by a new benchmark declaration is kept', () => {
    const r = run({
      findings: [f('a', 'pass')],
      claimed: [c('CIS 5.1.16 (Ubuntu 22.04 v2.0.0)', ['a'])],
      baseline: baseline({ claimed: [c('CIS 1.1', ['a'])] }),
    });
    expect(r).toMatchObject({ kept: 1, dropped: [], regressed: [] });
  });
  it('another profile cannot be compared: it fails closed, and says how to accept that', () => {
    const r = run({ profile: 'stig' });
    expect(r.problem).toMatch(/profile cis_level1_server, this scan with stig/);
    expect(ratchetReasons(r)[0]).toMatch(/set ratchet: false/);
  });
  it('a baseline from before the ratchet: the score only, and it says so', () => {
    const r = run({ baseline: baseline({ claimed: undefined, score: 90 }) });
    expect(r.scoreFell).toEqual({ from: 90, to: 80 });
    expect(ratchetLine(r)).toMatch(/only the score is compared/);
  });
  it('off and no baseline gate nothing, and say so', () => {
    expect(ratchetReasons(run({ on: false }))).toEqual([]);
    expect(ratchetLine(run({ on: false }))).toMatch(/^Ratchet: OFF/);
    expect(ratchetLine(run({ baseline: undefined }))).toMatch(/no baseline/);
  });
});

describe('where a dropped marker was: from the pull request’s diff', () => {
  // the shape `git diff --unified=0` prints: a rewritten marker, then a deleted one
  const diff = [
    'diff --git a/scripts/50-ssh.sh b/scripts/50-ssh.sh',
    'index 1111111..2222222 100755',
    '--- a/scripts/50-ssh.sh',
    '+++ b/scripts/50-ssh.sh',
    '@@ -23 +23 @@ set_option() {',
    '-# CIS 5.2.4 Ensure SSH LogLevel is appropriate',
    '+# Ensure SSH LogLevel is appropriate',
    '@@ -30,2 +29,0 @@ set_option LogLevel INFO',
    '-# CIS 5.2.14 Ensure SSH LoginGraceTime is set to one minute or less',
    '-set_option LoginGraceTime 60',
    'diff --git a/scripts/other.sh b/scripts/other.sh',
    '--- a/scripts/other.sh',
    '+++ b/scripts/other.sh',
    '@@ -5 +5 @@',
    '-# CIS 5.2.4 somewhere else',
    '+# gone',
  ].join('\n');

  it('a rewritten marker: the rewritten line; a deleted one: the line before the deletion', () => {
    expect(whereMarkerWas(diff, 'scripts/50-ssh.sh', 'CIS 5.2.4', 23)).toEqual({
      file: 'scripts/50-ssh.sh',
      line: 23,
    });
    expect(whereMarkerWas(diff, 'scripts/50-ssh.sh', 'CIS 5.2.14', 30)).toEqual({
      file: 'scripts/50-ssh.sh',
      line: 29,
    });
    expect(whereMarkerWas(diff, 'scripts/other.sh', 'CIS 5.2.4', 5)).toEqual({
      file: 'scripts/other.sh',
      line: 5,
    });
  });

  it('an id is whole: 5.2.1 is not in 5.2.14; a marker the diff did not remove is not placed', () => {
    expect(whereMarkerWas(diff, 'scripts/50-ssh.sh', 'CIS 5.2.1', 30)).toBeUndefined();
    expect(whereMarkerWas(diff, 'scripts/50-ssh.sh', 'CIS 5.2.6', 26)).toBeUndefined();
    expect(whereMarkerWas('', 'scripts/50-ssh.sh', 'CIS 5.2.4', 23)).toBeUndefined();
  });
});

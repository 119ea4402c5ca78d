/** The job summary: score, gate result, counts, baseline changes, and a table of failed controls. */

import { codeSpan, escapeMarkdown } from '../../../shared/src/markdown.js';
import type { Counts } from '../findings.js';
import { diffSize, type PackageChange, type PackageDiff } from '../sbom/diff.js';
import type { PlannedAnnotation } from './annotations.js';
import type { BaselineDiff } from './report.js';

export const SUMMARY_LIMIT = 1024 * 1024 - 64 * 1024; // GitHub caps a step's summary at 1 MiB

export interface SummaryInput {
  title: string;
  profile?: string;
  target?: string;
  score: number;
  weightedScore: number;
  counts: Counts;
  gate: { verdict: 'passed' | 'failed' | 'ungated'; reasons: string[] };
  annotations: readonly PlannedAnnotation[];
  diff?: BaselineDiff;
  delivery?: string;
  /** more lines under the score (e.g. the engine's own score) */
  extra?: string[];
  /** the packages changed since the baseline, and how many the image has */
  packages?: { installed: number; diff?: PackageDiff & { since?: string } };
  /** the vulnerability section's lines (report/vulns.ts) */
  vulnerabilities?: string[];
  /** the vulnerability gate's verdict, said at the top when it fails */
  vulnerabilityGate?: string;
  /** only vulnerabilities were read: there is no score, no counts and no control gate to show */
  noControls?: boolean;
}

/** The score line, the gate's reasons and the counts table (nothing claimed when no control was read). */
function scoreLines(s: SummaryInput): string[] {
  if (s.noControls)
    return ['**No compliance results were read** (vulnerabilities only): no score and no control gate.', ''];
  const out: string[] = [];
  out.push(
    `**Score ${s.score}%** (severity-weighted ${s.weightedScore}%) — ${
      s.gate.verdict === 'passed'
        ? '✅ gate passed'
        : s.gate.verdict === 'failed'
          ? '❌ gate failed'
          : '⚠️ no gate (ungated)'
    }`,
  );
  for (const r of s.gate.reasons) out.push(`- ${escapeMarkdown(r)}`);
  if (s.vulnerabilityGate === 'failed')
    out.push('', '**❌ The vulnerability gate failed too** (see Vulnerabilities below): the scan fails.');
  out.push('');
  return out;
}

/** At most this many package changes in the summary; the JSON report has them all. */
const PACKAGE_ROWS = 100;

/** The package diff against the last golden image, beside the CIS diff. */
export function packageLines(p: NonNullable<SummaryInput['packages']>): string[] {
  const d = p.diff;
  if (!d) return [`Packages: ${p.installed} installed (the baseline lists none to compare with).`, ''];
  const since = d.since ? ` since ${codeSpan(d.since)}` : ' since the baseline';
  const n = diffSize(d);
  const head = `Packages${since}: **${d.added.length} added, ${d.removed.length} removed, ${d.upgraded.length} upgraded, ${d.downgraded.length} downgraded** (${p.installed} installed).`;
  if (!n) return [head, ''];
  const rows: string[] = [];
  const kinds: Array<[string, PackageChange[]]> = [
    ['added', d.added],
    ['removed', d.removed],
    ['upgraded', d.upgraded],
    ['downgraded', d.downgraded],
  ];
  for (const [kind, list] of kinds)
    for (const c of list)
      rows.push(
        `| ${kind} | ${cell(c.name)} | ${cell(c.architecture)} | ${c.from ? codeSpan(c.from) : '—'} | ${c.to ? codeSpan(c.to) : '—'} |`,
      );
  return [
    head,
    '',
    '| Change | Package | Architecture | From | To |',
    '|---|---|---|---|---|',
    ...rows.slice(0, PACKAGE_ROWS),
    ...(rows.length > PACKAGE_ROWS
      ? [`| … | ${rows.length - PACKAGE_ROWS} more in the JSON report | | | |`]
      : []),
    '',
  ];
}

const cell = escapeMarkdown;

export function buildSummary(s: SummaryInput, limit = SUMMARY_LIMIT): string {
  const out: string[] = [];
  out.push(`## ${s.title}`, '');
  out.push(...scoreLines(s));
  for (const e of s.extra ?? []) out.push(e, '');
  if (s.profile || s.target)
    out.push(`Profile ${codeSpan(s.profile ?? '-')} on ${codeSpan(s.target ?? '-')}`, '');
  const c = s.counts;
  if (!s.noControls)
    out.push(
      '| passed | failed | waived | errors | not applicable | not checked | informational | total |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${c.passed} | ${c.failed} | ${c.waived ?? 0} | ${c.errors} | ${c.notapplicable} | ${c.notchecked} | ${c.informational} | ${c.total} |`,
      '',
    );
  if (s.diff) {
    out.push(
      `Compared with the baseline (score ${s.diff.baselineScore}%, ${s.diff.scoreDelta >= 0 ? '+' : ''}${s.diff.scoreDelta}): ` +
        `**${s.diff.newFailures.length} new failure(s)**, ${s.diff.fixed.length} newly fixed.`,
      '',
    );
    if (s.diff.newFailures.length) {
      out.push('New failures:', '');
      for (const f of s.diff.newFailures.slice(0, 200)) {
        out.push(`- ${f.cisIds.length ? `CIS ${f.cisIds.join(', ')} ` : ''}${cell(f.title)}`);
      }
      out.push('');
    }
    if (s.diff.fixed.length) {
      out.push('Newly fixed:', '');
      for (const f of s.diff.fixed.slice(0, 200))
        out.push(`- ${f.cisIds.length ? `CIS ${f.cisIds.join(', ')} ` : ''}${cell(f.title)}`);
      out.push('');
    }
  }
  if (s.vulnerabilities) out.push(...s.vulnerabilities);
  if (s.packages) out.push(...packageLines(s.packages));
  if (s.delivery) out.push(s.delivery, '');
  // Controls the code claims come first: a broken one must not hide under dozens of missing ones.
  const sections: Array<[string, PlannedAnnotation[]]> = [
    [
      'Failing controls the hardening code implements',
      s.annotations.filter((a) => a.implemented && !a.failureClass && !a.waiver),
    ],
    [
      'Failing for reasons the hardening code cannot cause (install did not run, offline state, content misfit)',
      s.annotations.filter((a) => a.implemented && a.failureClass && !a.waiver),
    ],
    [
      'Failing controls not implemented in the hardening code',
      s.annotations.filter((a) => !a.implemented && !a.waiver),
    ],
  ];
  let size = out.join('\n').length;
  let left = 0;
  for (const [heading, rows] of sections) {
    if (!rows.length) continue;
    const controls = new Set(rows.map((a) => a.control ?? a.ruleId)).size;
    const head = [
      `### ${heading} (${rows.length === controls ? rows.length : `${rows.length} rules in ${controls} controls`})`,
      '',
      '| Control | Title | Severity | Where |',
      '|---|---|---|---|',
    ];
    if (left || size + head.join('\n').length + 300 > limit) {
      left += rows.length;
      continue;
    }
    out.push(...head);
    size += head.join('\n').length + 1;
    for (const a of rows) {
      const row = `| ${a.control ? cell(a.control) : '—'} | ${cell(a.title.replace(/^[^:]+: /, '').replace(/ \(not implemented\)$/, ''))} | ${a.severity} | ${
        a.file ? codeSpan(`${a.file}${a.implemented && a.line ? `:${a.line}` : ''}`) : '—'
      } |`;
      if (left || size + row.length + 300 > limit) {
        left++;
        continue;
      }
      out.push(row);
      size += row.length + 1;
    }
    out.push('');
  }
  if (left) {
    out.push(
      `…and ${left} more row(s) left out to stay under the ${limit < SUMMARY_LIMIT ? 'check run summary' : 'job summary'} limit (${limit.toLocaleString('en-US')} characters): see the SARIF file and the JSON report.`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The job summary: score, gate result, counts, baseline changes, and a table of failed controls. */
import type { Counts } from '../findings.js';
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
  gate: { passed: boolean; reasons: string[] };
  annotations: readonly PlannedAnnotation[];
  diff?: BaselineDiff;
  delivery?: string;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function buildSummary(s: SummaryInput, limit = SUMMARY_LIMIT): string {
  const out: string[] = [];
  out.push(`## ${s.title}`, '');
  out.push(
    `**Score ${s.score}%** (severity-weighted ${s.weightedScore}%) — ${s.gate.passed ? '✅ gate passed' : '❌ gate failed'}`,
  );
  for (const r of s.gate.reasons) out.push(`- ${r}`);
  out.push('');
  if (s.profile || s.target) out.push(`Profile \`${s.profile ?? '-'}\` on \`${s.target ?? '-'}\``, '');
  const c = s.counts;
  out.push(
    '| passed | failed | errors | not applicable | not checked | total |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${c.passed} | ${c.failed} | ${c.errors} | ${c.notapplicable} | ${c.notchecked} | ${c.total} |`,
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
  if (s.delivery) out.push(s.delivery, '');
  const failed = s.annotations;
  if (failed.length) {
    out.push(
      `### Failed controls (${failed.length})`,
      '',
      '| CIS ID | Title | Severity | Where |',
      '|---|---|---|---|',
    );
    let size = out.join('\n').length;
    let shown = 0;
    for (const a of failed) {
      const row = `| ${a.cisId ?? '—'} | ${cell(a.title.replace(/^CIS [\d.]+: /, ''))} | ${a.severity} | ${
        a.file
          ? `\`${a.file}${a.implemented && a.line ? `:${a.line}` : ''}\`${a.implemented ? '' : ' (not implemented)'}`
          : '—'
      } |`;
      if (size + row.length + 200 > limit) break;
      out.push(row);
      size += row.length + 1;
      shown++;
    }
    if (shown < failed.length) {
      out.push(
        '',
        `…and ${failed.length - shown} more, cut to stay under the 1 MiB summary limit: see the SARIF and JSON report.`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

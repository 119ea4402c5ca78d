/** The vulnerabilities in the job summary and check run: the gate, counts by severity, one row per CVE. */
import { codeSpan, escapeMarkdown } from '../../../shared/src/markdown.js';
import type { Vulnerability } from '../findings.js';
import { gatingIn } from '../vulns.js';
import { waivedText } from '../waivers.js';
import type { ScanReport } from './report.js';

const ROWS = 100;
const ICON: Record<string, string> = {
  passed: '✅ vulnerability gate passed',
  failed: '❌ vulnerability gate failed',
  ungated: '⚠️ no vulnerability gate (fail-on-severity: none)',
};

type Vulns = NonNullable<ScanReport['vulnerabilities']>;

/**
 * What a report row says of a CVE beside its versions, in the report's markup: waived (the waiver's
 * words escaped by `quote`), failing the gate (`failing`), no fix yet, or nothing.
 */
export function vulnStateText(
  v: Vulnerability,
  gating: ReadonlySet<Vulnerability>,
  quote: (s: string) => string,
  failing: string,
): string {
  if (v.waiver)
    return waivedText({
      expires: quote(v.waiver.expires),
      owner: quote(v.waiver.owner),
      reason: quote(v.waiver.reason),
    });
  if (gating.has(v)) return failing;
  return v.fixable ? '' : 'no fix yet';
}

/** Markdown lines; every CVE id, package and version is foreign text and escaped. */
export function vulnerabilityLines(v: Vulns, rows = ROWS): string[] {
  const c = v.counts;
  const active = Object.values(c).reduce((a, b) => a + b, 0);
  const waived = v.list.filter((x) => x.waiver).length;
  const shown = v.list.filter((x) => x.status === 'active');
  const out = [
    `### Vulnerabilities (${active} active${waived ? `, ${waived} waived` : ''}) — ${ICON[v.gate.verdict] ?? v.gate.verdict}`,
    '',
    ...v.gate.reasons.map((r) => `- ${escapeMarkdown(r)}`),
    '',
    'Counted apart from the compliance score: a CVE is not a control.',
    '',
    '| critical | high | medium | low | informational | untriaged |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${c.critical ?? 0} | ${c.high ?? 0} | ${c.medium ?? 0} | ${c.low ?? 0} | ${c.info ?? 0} | ${c.unknown ?? 0} |`,
    '',
  ];
  if (!shown.length) return [...out, 'No active vulnerability.', ''];
  const gating = gatingIn(v);
  out.push(
    '| Severity | Vulnerability | Package | Installed | Fixed in | New | |',
    '|---|---|---|---|---|---|---|',
  );
  for (const x of shown.slice(0, rows)) {
    const pkgs = x.packages.length ? x.packages : [{ name: '—', installed: '—' }];
    const p = pkgs[0] as { name: string; installed: string; fixed?: string };
    const more = pkgs.length > 1 ? ` (+${pkgs.length - 1})` : '';
    const state = vulnStateText(x, gating, escapeMarkdown, '**fails the gate**');
    out.push(
      `| ${x.severity}${x.cvss !== undefined ? ` (${x.cvss})` : ''} | ${codeSpan(x.id)} | ${escapeMarkdown(p.name)}${more} | ${p.installed === '—' ? '—' : codeSpan(p.installed)} | ${p.fixed ? codeSpan(p.fixed) : '—'} | ${x.isNew === undefined ? '?' : x.isNew ? 'new' : ''} | ${state} |`,
    );
  }
  if (shown.length > rows) out.push(`| … | ${shown.length - rows} more in the JSON report | | | | | |`);
  out.push('');
  return out;
}

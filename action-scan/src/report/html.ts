/**
 * The HTML report (input `report-html`): one self-contained file a reviewer opens with no network (a
 * Content-Security-Policy forbids any fetch), laid out around the reviewer's questions:
 *   - did it pass? the verdict and every failed requirement in full, new failures named, provenance;
 *   - what do I fix first? one row per control (its rules beneath), gate-failing first, then new,
 *     then by severity and id, each with a badge that says what it is (fails the gate, failing,
 *     notice, waived, new, fixed);
 *   - where? `file:line` linked to the line at the commit, and the marker blocks with a failure
 *     quoted with a few lines of context (never whole files, and within a stated bound);
 *   - how? the remediation the content offers, labelled for what it is.
 * Filters live in the URL's hash (`#status=error&severity=high`), cover every section, say when
 * nothing matches, and refuse (visibly) what they do not know. Pure: everything comes in as data.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { shortRuleId } from '../../../shared/src/cis-map.js';
import { CLASS_LABEL } from '../classify.js';
import type { FailOn } from '../gate.js';
import { gatingIn } from '../vulns.js';
import { fixLabel, type PlannedAnnotation } from './annotations.js';
import { type BaselineDiff, keyOf, type ReportFinding, type ScanReport } from './report.js';
import { esc, type TrendPoint, trendSvg } from './trend.js';
import { vulnStateText } from './vulns.js';

/** Where the image and this report come from (the image's tags, the run's environment). */
export interface Provenance {
  amiId?: string;
  region?: string;
  commit?: string;
  template?: string;
  baseAmi?: string;
  packerVersion?: string;
  /** EC2's architecture of the AMI (tag ami-bakery:arch) */
  architecture?: string;
  /** the bake's run (tag ami-bakery:run-url) */
  bakeRunUrl?: string;
  /** this scan's run */
  scanRunUrl?: string;
}

export interface HtmlReportInput {
  title: string;
  report: ScanReport;
  /** the verdict and, when it failed, every failed requirement in full (else what was checked) */
  gate: { verdict: 'passed' | 'failed' | 'ungated'; reasons: string[] };
  /** the control gate: which failures fail it (with `failOnNew`, new ones too) */
  failOn?: FailOn;
  failOnNew?: boolean;
  annotations: readonly PlannedAnnotation[];
  diff?: BaselineDiff;
  trend: readonly TrendPoint[];
  /** the hardening files (repository path and text) */
  files: ReadonlyArray<{ path: string; text: string }>;
  /** controls the code claims whose rules all pass */
  passing?: ReadonlyArray<{ control: string; location: string; title: string }>;
  /** waiver problems and other lines worth showing under the verdict */
  notes?: readonly string[];
  provenance?: Provenance;
  /** `https://github.com/o/r/blob/<sha>/`: locations link to their line there */
  blobBase?: string;
  /** the ratchet's state, one line */
  ratchet?: string;
}

/** What a row is, worst first. `error`: it fails the gate. */
export type Level = 'error' | 'warning' | 'notice' | 'waived' | 'fixed';
const LEVEL_TEXT: Record<Level, string> = {
  error: 'fails the gate',
  warning: 'failing',
  notice: 'notice',
  waived: 'waived',
  fixed: 'fixed',
};
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;

interface Rule {
  ruleId: string;
  title: string;
  severity: string;
  expected?: string;
  found?: string;
  fix?: string;
  fixVerdict?: { verified: boolean; said: string };
  waiver?: ReportFinding['waiver'];
  message?: string;
}

export interface ControlRow {
  control: string;
  level: Level;
  isNew: boolean;
  /** the ratchet: claimed and passing in the baseline, dropped or regressed now */
  ratchet?: 'dropped' | 'regressed';
  /** a failure the hardening code cannot cause: its label */
  failureClass?: string;
  severity: string;
  implemented: boolean;
  location?: string;
  endLine?: number;
  rules: Rule[];
}

/** Lines of context around a quoted marker block, and the bounds on what the page embeds. */
export const CONTEXT_LINES = 3;
export const MAX_QUOTED_LINES = 4000;
export const MAX_LINE_CHARS = 400;

const sevRank = (s: string) => {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
};
const levelRank: Record<Level, number> = { error: 0, warning: 1, notice: 2, waived: 3, fixed: 4 };

/** The failures that fail the control gate, as the gate decides it (gate.ts). */
function gateFailing(input: HtmlReportInput): (a: PlannedAnnotation) => boolean {
  const isNew = new Set((input.diff?.newFailures ?? []).map(keyOf));
  const newFails = (a: PlannedAnnotation) => (input.diff ? isNew.has(keyOf(a)) : true);
  return (a) => {
    if (a.waiver || (a.status !== 'fail' && a.status !== 'error')) return false;
    if (a.ratchet) return true;
    if (input.failOnNew && newFails(a)) return true;
    switch (input.failOn ?? 'implemented') {
      case 'implemented':
        return a.implemented;
      case 'any':
        return true;
      case 'new':
        return newFails(a);
      default:
        return false;
    }
  };
}

/** One row per control, its rules beneath, sorted by what to fix first. */
export function controlRows(input: HtmlReportInput): ControlRow[] {
  const findings = new Map(input.report.findings.map((f) => [keyOf(f), f]));
  const fails = gateFailing(input);
  const isNew = new Set((input.diff?.newFailures ?? []).map(keyOf));
  const rows = new Map<string, ControlRow>();
  const add = (name: string, level: Level, rule: Rule, extra: Partial<ControlRow>, isNewRule: boolean) => {
    const key = `${level === 'fixed' ? 'fixed' : 'now'}\0${name}\0${extra.location ?? ''}`;
    const row = rows.get(key) ?? {
      control: name,
      level,
      isNew: false,
      severity: rule.severity,
      implemented: false,
      rules: [],
      ...extra,
    };
    if (levelRank[level] < levelRank[row.level]) row.level = level;
    if (extra.ratchet) row.ratchet ??= extra.ratchet;
    if (extra.failureClass) row.failureClass ??= extra.failureClass;
    if (sevRank(rule.severity) < sevRank(row.severity)) row.severity = rule.severity;
    row.isNew ||= isNewRule;
    row.rules.push(rule);
    rows.set(key, row);
  };
  for (const a of input.annotations) {
    if (a.waiverProblem || (a.status !== 'fail' && a.status !== 'error')) continue;
    const f = findings.get(keyOf(a));
    const level: Level = a.waiver
      ? 'waived'
      : fails(a)
        ? 'error'
        : a.level === 'notice'
          ? 'notice'
          : 'warning';
    add(
      a.control ?? `rule ${shortRuleId(a.ruleId)}`,
      level,
      {
        ruleId: a.ruleId,
        title: f?.title ?? a.title,
        severity: a.severity,
        expected: f?.expected,
        found: f?.found,
        fix: a.fix,
        fixVerdict: a.fixVerdict,
        waiver: a.waiver,
        ...(a.translated ? { message: a.message.split('\n')[0] } : {}),
        ...(a.classWhy ? { message: a.classWhy } : {}),
      },
      {
        implemented: a.implemented,
        ...(a.implemented && a.file && a.line ? { location: `${a.file}:${a.line}`, endLine: a.endLine } : {}),
        ...(a.ratchet ? { ratchet: a.ratchet } : {}),
        ...(a.failureClass ? { failureClass: CLASS_LABEL[a.failureClass] } : {}),
      },
      isNew.has(keyOf(a)),
    );
  }
  // a failure no annotation covers is still a row: the page never hides one
  const annotated = new Set(input.annotations.map(keyOf));
  for (const f of input.report.findings) {
    if ((f.status !== 'fail' && f.status !== 'error') || annotated.has(keyOf(f))) continue;
    add(
      f.cisIds.length ? `CIS ${f.cisIds[0]}` : `rule ${shortRuleId(f.ruleId)}`,
      f.waiver ? 'waived' : 'warning',
      { ...f, waiver: f.waiver },
      f.location ? { location: f.location, implemented: true } : {},
      isNew.has(keyOf(f)),
    );
  }
  for (const f of input.diff?.fixed ?? [])
    add(
      f.cisIds.length ? `CIS ${f.cisIds[0]}` : `rule ${shortRuleId(f.ruleId)}`,
      'fixed',
      { ruleId: f.ruleId, title: f.title, severity: f.severity },
      f.location ? { location: f.location, implemented: true } : {},
      false,
    );
  return [...rows.values()].sort(
    (a, b) =>
      levelRank[a.level] - levelRank[b.level] ||
      Number(b.isNew) - Number(a.isNew) ||
      Number(!!b.ratchet) - Number(!!a.ratchet) ||
      sevRank(a.severity) - sevRank(b.severity) ||
      a.control.localeCompare(b.control, 'en', { numeric: true }),
  );
}

const badge = (level: Level | 'new') =>
  `<span class="badge ${level}">${level === 'new' ? 'new' : LEVEL_TEXT[level]}</span>`;

/** `file:line` (or a file), linked to that line at the commit when the run has a GitHub blob URL. */
function locationLink(input: HtmlReportInput, location: string): string {
  const m = /^(.*?)(?::(\d+))?$/.exec(location)!;
  if (!input.blobBase || isAbsolute(m[1]) || m[1].split('/').includes('..'))
    return `<code>${esc(location)}</code>`;
  const href = `${input.blobBase}${m[1].split('/').map(encodeURIComponent).join('/')}${m[2] ? `#L${m[2]}` : ''}`;
  return `<a href="${esc(href)}"><code>${esc(location)}</code></a>`;
}

function ruleDetails(r: Rule, row: ControlRow): string {
  const parts: string[] = [];
  if (r.waiver)
    parts.push(
      `<p class="waiver">Waived until ${esc(r.waiver.expires)} by ${esc(r.waiver.owner)}: ${esc(r.waiver.reason)} <span class="muted">(${esc(r.waiver.file)}:${esc(String(r.waiver.line))})</span></p>`,
    );
  if (r.message) parts.push(`<p class="muted">${esc(r.message)}</p>`);
  if (r.expected) parts.push(`<p><b>Expected:</b> ${esc(r.expected)}</p>`);
  if (r.found) parts.push(`<p><b>Found:</b> ${esc(r.found)}</p>`);
  if (row.level === 'fixed') parts.push('<p>Failed in the baseline, passes now.</p>');
  if (r.fix)
    parts.push(
      `<details class="fix${r.fixVerdict?.verified ? ' verified' : ''}"><summary>${esc(fixLabel(r))}</summary><pre>${esc(r.fix)}</pre></details>`,
    );
  return parts.join('');
}

const rowData = (row: ControlRow) =>
  `data-status="${row.level}" data-new="${row.isNew ? 'yes' : 'no'}" data-severity="${esc(row.severity)}" data-implemented="${row.implemented ? 'yes' : 'no'}"`;

function controlsSection(input: HtmlReportInput, rows: readonly ControlRow[]): string {
  const body = rows
    .map((row) => {
      const where = row.location
        ? locationLink(input, row.location)
        : row.level === 'fixed'
          ? '<span class="muted">—</span>'
          : '<span class="muted">not implemented</span>';
      const rules = row.rules
        .map(
          (r) =>
            `<li><span class="rule">${esc(r.title)}</span> <span class="muted">${esc(shortRuleId(r.ruleId))} · ${esc(r.severity)}</span>${ruleDetails(r, row)}</li>`,
        )
        .join('');
      return `<tr class="row" ${rowData(row)}><td>${badge(row.level)}${row.isNew ? ` ${badge('new')}` : ''}${row.ratchet ? ` <span class="badge ratchet">${row.ratchet}</span>` : ''}${row.failureClass ? ` <span class="badge class">${esc(row.failureClass)}</span>` : ''}</td><td class="control">${esc(row.control)}</td><td>${esc(row.severity)}</td><td>${where}</td><td><ul class="rules">${rules}</ul></td></tr>`;
    })
    .join('\n');
  const count = (l: Level) => rows.filter((r) => r.level === l).length;
  const levels: Level[] = ['error', 'warning', 'notice', 'waived', 'fixed'];
  const present = SEVERITIES.filter((s) => rows.some((r) => r.severity === s));
  return `<section id="controls"><h2>Controls to look at (${rows.length})</h2>
<form id="filters">
${levels
  .map(
    (l) =>
      `<label><input type="checkbox" name="status" value="${l}" checked> ${badge(l)} <span id="count-${l}">${count(l)}</span></label>`,
  )
  .join(' ')}
<label><input type="checkbox" name="new"> new only (${rows.filter((r) => r.isNew).length})</label>
<label>severity <select name="severity"><option value="">any</option>${present.map((s) => `<option>${s}</option>`).join('')}</select></label>
<label><input type="checkbox" name="implemented"> implemented only</label>
<label>search <input type="search" name="q" placeholder="CIS id, rule, title"></label>
<output id="shown"></output>
</form>
<p id="filter-problem" class="problem" hidden></p>
<p id="nothing" class="muted" hidden>No control matches these filters.</p>
<table class="controls"><thead><tr><th>What</th><th>Control</th><th>Severity</th><th>Where</th><th>Rules</th></tr></thead>
<tbody>
${body}
</tbody></table>${rows.length ? '' : '<p class="muted">No failing, waived or fixed control.</p>'}</section>`;
}

function passingSection(input: HtmlReportInput): string {
  const p = input.passing ?? [];
  if (!p.length) return '';
  return `<section id="passing"><details><summary><h2>Claimed and passing (${p.length})</h2></summary><table class="passing"><tbody>${p
    .map(
      (x) =>
        `<tr><td class="control">${esc(x.control)}</td><td>${esc(x.title)}</td><td>${locationLink(input, x.location)}</td></tr>`,
    )
    .join('')}</tbody></table></details></section>`;
}

/** Line ranges [from, to] (1-based, inclusive) to quote: each block with a row, with context, merged. */
function ranges(blocks: Array<[number, number]>, last: number): Array<[number, number]> {
  const sorted = blocks
    .map(([a, b]): [number, number] => [Math.max(1, a - CONTEXT_LINES), Math.min(last, b + CONTEXT_LINES)])
    .sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r[0] <= prev[1] + 1) prev[1] = Math.max(prev[1], r[1]);
    else out.push([...r]);
  }
  return out;
}

const cut = (l: string) =>
  l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}… (${l.length} characters)` : l;

/**
 * The hardening files: only the marker blocks that carry a row, with context, each row inline under
 * its marker line. A file is open when it holds a control that fails; files with no row are named.
 */
function filesSection(input: HtmlReportInput, rows: readonly ControlRow[]): string {
  const at = new Map<string, ControlRow[]>();
  for (const r of rows) {
    if (!r.location || r.level === 'fixed') continue;
    at.set(r.location, [...(at.get(r.location) ?? []), r]);
  }
  let budget = MAX_QUOTED_LINES;
  let quoted = 0;
  let total = 0;
  const without: string[] = [];
  const sections: string[] = [];
  for (const { path, text } of input.files) {
    const lines = text.replace(/\n$/, '').split('\n');
    total += lines.length;
    const here = rows.filter((r) => r.location?.startsWith(`${path}:`) && r.level !== 'fixed');
    if (!here.length) {
      without.push(path);
      continue;
    }
    const blocks = here.map((r): [number, number] => {
      const n = Number(r.location!.slice(path.length + 1));
      return [n, Math.max(n, r.endLine ?? n)];
    });
    const body: string[] = [];
    let shownTo = 0;
    for (const [from, to] of ranges(blocks, lines.length)) {
      if (budget <= 0) break;
      const end = Math.min(to, from + budget - 1);
      if (from > shownTo + 1) body.push(`<tr class="gap"><td class="ln">⋯</td><td></td></tr>`);
      for (let n = from; n <= end; n++) {
        const marked = at.get(`${path}:${n}`) ?? [];
        body.push(
          `<tr class="code${marked.length ? ' marked' : ''}" id="${esc(`${path}:${n}`)}"><td class="ln">${n}</td><td><pre>${esc(cut(lines[n - 1] ?? ''))}</pre></td></tr>`,
        );
        for (const r of marked)
          body.push(
            `<tr class="inline" ${rowData(r)}><td></td><td><div class="comment ${r.level}">${badge(r.level)}${r.isNew ? ` ${badge('new')}` : ''} <b>${esc(r.control)}</b> ${r.rules.map((x) => esc(x.title)).join('; ')}${r.rules.map((x) => ruleDetails(x, r)).join('')}</div></td></tr>`,
          );
      }
      budget -= end - from + 1;
      quoted += end - from + 1;
      shownTo = end;
    }
    if (shownTo < lines.length) body.push(`<tr class="gap"><td class="ln">⋯</td><td></td></tr>`);
    const failing = here.filter((r) => r.level === 'error' || r.level === 'warning').length;
    sections.push(
      `<details class="file" data-path="${esc(path)}"${failing ? ' open' : ''}><summary>${locationLink(input, path)} <span class="muted">${failing} failing, ${here.length - failing} other control(s) · ${lines.length} lines</span></summary><table class="source">${body.join('')}</table></details>`,
    );
  }
  const bound = `Quoted: ${quoted} of ${total} lines (the marker blocks with a row, ${CONTEXT_LINES} lines of context; lines cut at ${MAX_LINE_CHARS} characters; at most ${MAX_QUOTED_LINES} lines in all${budget <= 0 ? ', reached: the rest is in the repository' : ''}).`;
  const rest = without.length
    ? `<p class="muted">${without.length} other hardening file(s) hold no row: ${without.map((p) => `<code>${esc(p)}</code>`).join(', ')}.</p>`
    : '';
  return `<section id="files"><h2>Hardening files</h2>${
    input.files.length
      ? `<p class="muted" id="quoted">${bound}</p>${sections.join('\n')}${rest}`
      : '<p class="muted">No hardening files were given (input hardening-scripts).</p>'
  }</section>`;
}

function provenanceList(input: HtmlReportInput): string {
  const p = input.provenance ?? {};
  const r = input.report;
  const link = (href: string | undefined, text: string) =>
    href && /^https?:\/\//.test(href) ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
  const content = r.benchmarks?.content;
  const items: Array<[string, string | undefined]> = [
    ['Image', p.amiId ? `<code>${esc(p.amiId)}</code>${p.region ? ` (${esc(p.region)})` : ''}` : undefined],
    ['Commit', p.commit ? `<code>${esc(p.commit.slice(0, 12))}</code>` : undefined],
    ['Template', p.template ? locationLink(input, p.template) : undefined],
    ['Architecture', p.architecture ? esc(p.architecture) : undefined],
    ['Base image', p.baseAmi ? `<code>${esc(p.baseAmi)}</code>` : undefined],
    ['Packer', p.packerVersion ? esc(p.packerVersion) : undefined],
    [
      'Content',
      content?.release
        ? `${esc(content.release)}${content.numbersBy ? ` (numbers by ${esc(content.numbersBy)})` : ''}`
        : undefined,
    ],
    ['Profile', r.profile ? `<code>${esc(r.profile)}</code>` : undefined],
    ['Target', r.target ? `<code>${esc(r.target)}</code>` : undefined],
    ['Bake run', p.bakeRunUrl ? link(p.bakeRunUrl, p.bakeRunUrl) : undefined],
    ['Scan run', p.scanRunUrl ? link(p.scanRunUrl, p.scanRunUrl) : undefined],
    ['Generated', esc(r.generatedAt)],
  ];
  return `<dl id="provenance">${items
    .filter(([, v]) => v)
    .map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`)
    .join('')}</dl>`;
}

/** The vulnerability gate beside the control gate, at the top: a failing CVE gate fails the scan too. */
function vulnerabilityVerdict(r: ScanReport): string {
  const v = r.vulnerabilities;
  if (!v) return '';
  const c = v.counts;
  return `<p id="vulnerability-gate" class="${v.gate.verdict === 'failed' ? 'problem' : 'muted'}"><b>Vulnerability gate ${esc(v.gate.verdict)}</b> (${c.critical ?? 0} critical, ${c.high ?? 0} high active and unwaived; <a href="#vulnerabilities">vulnerabilities</a>)</p>`;
}

function header(input: HtmlReportInput, rows: readonly ControlRow[]): string {
  const r = input.report;
  const c = r.counts;
  const verdict = input.gate.verdict;
  const newOnes = input.diff?.newFailures ?? [];
  const newList = newOnes.length
    ? `<p id="new-failures"><b>New since the baseline (${newOnes.length}):</b> ${newOnes
        .map((f) => esc(`${f.cisIds.length ? `CIS ${f.cisIds[0]} ` : ''}${f.title}`))
        .join('; ')}</p>`
    : '';
  const gating = rows.filter((x) => x.level === 'error').length;
  const notes = input.notes ?? [];
  return `<header>
<h1>${esc(input.title)}</h1>
<div id="verdict" class="verdict ${verdict}"><span class="gate" id="gate">${verdict === 'passed' ? 'Gate passed' : verdict === 'failed' ? 'Gate failed' : 'No gate (ungated)'}</span>
<span class="score" id="score">${r.score}%</span> <span class="muted">severity-weighted ${r.weightedScore}% · ${gating} control(s) fail the gate</span></div>
<ul id="gate-reasons">${input.gate.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
${vulnerabilityVerdict(r)}
${newList}
${input.ratchet ? `<p id="ratchet">${esc(input.ratchet)}</p>` : ''}
${provenanceList(input)}
<table class="counts" id="counts"><tr><th>passed</th><th>failed</th><th>waived</th><th>errors</th><th>not applicable</th><th>not checked</th><th>informational</th><th>total</th></tr>
<tr><td data-count="passed">${c.passed}</td><td data-count="failed">${c.failed}</td><td data-count="waived">${c.waived ?? 0}</td><td data-count="errors">${c.errors}</td><td data-count="notapplicable">${c.notapplicable}</td><td data-count="notchecked">${c.notchecked}</td><td data-count="informational">${c.informational}</td><td data-count="total">${c.total}</td></tr></table>
<p class="muted">Score = passed / (passed + failed), by rule; waived rules count neither.${input.diff ? ` Baseline ${input.diff.baselineScore}% (${input.diff.scoreDelta >= 0 ? '+' : ''}${input.diff.scoreDelta}): ${newOnes.length} new failure(s), ${input.diff.fixed.length} fixed.` : ''}</p>
${notes.length ? `<details id="notes"><summary>${notes.length} note(s) on benchmarks and waivers</summary>${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}</details>` : ''}
</header>`;
}

/** The packages changed since the baseline (report.packageDiff), beside the CIS diff; every change, escaped. */
function packagesSection(report: ScanReport): string {
  const d = report.packageDiff;
  if (!report.packages?.length) return '';
  if (!d)
    return `<section id="packages"><h2>Packages</h2><p class="muted">${report.packages.length} installed; the baseline lists none to compare with.</p></section>`;
  const kinds = [
    ['added', d.added],
    ['removed', d.removed],
    ['upgraded', d.upgraded],
    ['downgraded', d.downgraded],
  ] as const;
  const rows = kinds
    .flatMap(([kind, list]) =>
      list.map(
        (c) =>
          `<tr class="${kind}"><td>${kind}</td><td>${esc(c.name)}</td><td>${esc(c.architecture)}</td><td>${c.from ? `<code>${esc(c.from)}</code>` : '—'}</td><td>${c.to ? `<code>${esc(c.to)}</code>` : '—'}</td></tr>`,
      ),
    )
    .join('');
  const since = d.since ? ` since <code>${esc(d.since)}</code>` : ' since the baseline';
  const head = `${d.added.length} added, ${d.removed.length} removed, ${d.upgraded.length} upgraded, ${d.downgraded.length} downgraded${since} (${report.packages.length} installed)`;
  return `<section id="packages"><h2>Packages</h2><p>${head}.</p>${rows ? `<table class="trend packages"><thead><tr><th>Change</th><th>Package</th><th>Architecture</th><th>From</th><th>To</th></tr></thead><tbody>${rows}</tbody></table>` : ''}</section>`;
}

/** The CVEs (report.vulnerabilities): the gate, counts by severity and every active one, escaped. */
function vulnerabilitiesSection(report: ScanReport): string {
  const v = report.vulnerabilities;
  if (!v) return '';
  const gating = gatingIn(v);
  const c = v.counts;
  const counts = (['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const)
    .map((k) => `${c[k] ?? 0} ${k === 'unknown' ? 'untriaged' : k === 'info' ? 'informational' : k}`)
    .join(', ');
  const rows = v.list
    .filter((x) => x.status === 'active')
    .map((x) => {
      const pk = x.packages
        .map(
          (p) =>
            `${esc(p.name)} <code>${esc(p.installed)}</code>${p.fixed ? ` → <code>${esc(p.fixed)}</code>` : ' (no fix yet)'}`,
        )
        .join('<br>');
      const state = vulnStateText(x, gating, esc, '<strong>fails the gate</strong>');
      return `<tr class="vuln" data-severity="${esc(x.severity)}"><td>${esc(x.severity)}${x.cvss !== undefined ? ` (${x.cvss})` : ''}</td><td><code>${esc(x.id)}</code></td><td>${pk || '—'}</td><td>${x.isNew === undefined ? '?' : x.isNew ? 'new' : ''}</td><td>${state}</td></tr>`;
    })
    .join('');
  return `<section id="vulnerabilities"><h2>Vulnerabilities</h2><p>Vulnerability gate <strong>${esc(v.gate.verdict)}</strong> (fail-on-severity ${esc(v.gate.failOnSeverity)}${v.gate.fixableOnly ? ', fixable only' : ''}): ${counts} active and unwaived. Not part of the compliance score.</p>${v.gate.reasons.map((r) => `<p>${esc(r)}</p>`).join('')}${rows ? `<table class="trend vulns"><thead><tr><th>Severity</th><th>Vulnerability</th><th>Package: installed → fixed</th><th>New</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">No active vulnerability.</p>'}</section>`;
}

function trendSection(points: readonly TrendPoint[]): string {
  if (points.length < 2) return '';
  const rows = points
    .map(
      (p) =>
        `<tr${p.source === 'this scan' ? ' class="this"' : ''}><td>${esc(p.date.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</td><td>${p.amiId ? `<code>${esc(p.amiId)}</code>` : '—'}${p.name ? ` ${esc(p.name)}` : ''}</td><td>${p.score}%</td><td>${esc(p.source)}</td></tr>`,
    )
    .join('');
  return `<section id="trend"><h2>Score trend</h2>${trendSvg(points)}<table class="trend"><thead><tr><th>When</th><th>Image</th><th>Score</th><th>From</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header,section{padding:10px 24px}header{border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{font-size:18px;margin:0 0 6px}h2{font-size:16px;border-bottom:1px solid #d0d7de;padding-bottom:4px;display:inline-block;margin:8px 0}
.verdict{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}.score{font-size:26px;font-weight:600}
.gate{font-weight:700;font-size:18px;padding:2px 12px;border-radius:14px}
.passed .gate{background:#dafbe1;color:#1a7f37}.failed .gate{background:#ffebe9;color:#cf222e}.ungated .gate{background:#fff8c5;color:#9a6700}
#gate-reasons{margin:6px 0;padding-left:20px}#gate-reasons li{overflow-wrap:anywhere}
#provenance{display:flex;flex-wrap:wrap;gap:2px 18px;margin:6px 0}#provenance div{display:flex;gap:6px}#provenance dt{color:#59636e}#provenance dd{margin:0;overflow-wrap:anywhere}
.counts{width:auto}.counts td,.counts th{padding:2px 10px;text-align:right;border-bottom:1px solid #eaeef2}.muted{color:#59636e}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:4px 6px}
table.controls td,table.passing td,table.trend td{border-bottom:1px solid #eaeef2;overflow-wrap:anywhere}
table.controls td:nth-child(1){width:150px}table.controls td:nth-child(2){width:140px;white-space:nowrap}table.controls td:nth-child(3){width:70px}table.controls td:nth-child(4){width:22%}
ul.rules{margin:0;padding-left:16px}ul.rules p{margin:2px 0}
.badge{display:inline-block;font-size:12px;padding:0 7px;border-radius:10px;border:1px solid;white-space:nowrap}
.badge.error{color:#fff;background:#cf222e;border-color:#cf222e}.badge.warning{color:#9a6700;border-color:#d4a72c;background:#fff8c5}
.badge.notice{color:#0969da;border-color:#0969da}.badge.waived{color:#59636e;border-color:#8c959f}
.badge.fixed{color:#1a7f37;border-color:#1a7f37}.badge.new{color:#fff;background:#8250df;border-color:#8250df}
.badge.ratchet{color:#fff;background:#953800;border-color:#953800}.badge.class{color:#59636e;border-color:#59636e;border-style:dashed;white-space:normal}
#filters{display:flex;gap:12px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.problem{color:#cf222e;font-weight:600}
.source{font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;border:1px solid #d0d7de}
.source td{border:0;padding:0 8px}.source pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.source td.ln{color:#8c959f;text-align:right;width:4em;min-width:4em;white-space:nowrap;overflow-wrap:normal;user-select:none}
tr.gap td{background:#f6f8fa;color:#8c959f}tr.marked{background:#fff8c5}
.comment{font:14px system-ui,sans-serif;border:1px solid #d0d7de;border-left:4px solid #d4a72c;border-radius:6px;margin:4px 0 8px;padding:6px 10px;background:#fff}
.comment.error{border-left-color:#cf222e}.comment.waived{border-left-color:#8c959f}.comment.notice{border-left-color:#0969da}.comment p{margin:2px 0}
details.fix pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:300px;white-space:pre-wrap}
details.file{margin:8px 0}summary{cursor:pointer}summary h2{border:0}
svg.trend text{font-size:11px;fill:#59636e}svg.trend .grid{stroke:#eaeef2}svg.trend .line{fill:none;stroke:#0969da;stroke-width:2}
svg.trend .dot{fill:#0969da}svg.trend .this{fill:#cf222e}table.trend{width:auto}table.trend tr.this td{font-weight:600}
@media print{#filters,#filter-problem{display:none}header{background:none}a{color:inherit;text-decoration:none}tr,li,.comment{break-inside:avoid}}
`;

/** Filters from the form to every section and the hash, and from the hash on load (unknown values refused, visibly). */
const SCRIPT = `
(function(){
var form=document.getElementById('filters');if(!form)return;
var problem=document.getElementById('filter-problem'),nothing=document.getElementById('nothing');
var KEYS=['status','new','severity','implemented','q'];
function known(name){return Array.prototype.map.call(form.querySelectorAll('[name='+name+'] option,[name='+name+'][value]'),function(o){return o.value;}).filter(function(v){return v;});}
function fromHash(){var raw=location.hash.slice(1);if(raw.indexOf('=')<0)return;
 var h=new URLSearchParams(raw),bad=[];
 h.forEach(function(v,k){if(KEYS.indexOf(k)<0)bad.push(k+' (not a filter: '+KEYS.join(', ')+')');});
 if(h.has('status')){var s=h.get('status').split(',').filter(function(x){return x;}),ok=known('status');
  var wrong=s.filter(function(x){return ok.indexOf(x)<0;});
  if(wrong.length)bad.push('status='+wrong.join(',')+' (known: '+ok.join(', ')+')');
  else form.querySelectorAll('[name=status]').forEach(function(c){c.checked=s.indexOf(c.value)>=0;});}
 if(h.has('severity')){var v=h.get('severity'),sv=known('severity');
  if(v&&sv.indexOf(v)<0){bad.push('severity='+v+' (in this report: '+(sv.join(', ')||'none')+')');form.severity.value='';}else form.severity.value=v;}
 if(h.has('q'))form.q.value=h.get('q');
 form.implemented.checked=h.get('implemented')==='yes';form['new'].checked=h.get('new')==='yes';
 problem.hidden=!bad.length;problem.textContent=bad.length?'Not applied, the link asks for what this report does not know: '+bad.join('; ')+'.':'';}
function match(r,st,sev,q,impl,nw){return st.indexOf(r.dataset.status)>=0&&(!sev||r.dataset.severity===sev)&&(!impl||r.dataset.implemented==='yes')&&(!nw||r.dataset['new']==='yes')&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);}
function apply(write){var st=[];form.querySelectorAll('[name=status]:checked').forEach(function(c){st.push(c.value);});
 var sev=form.severity.value,q=form.q.value.trim().toLowerCase(),impl=form.implemented.checked,nw=form['new'].checked,n=0,rows=document.querySelectorAll('tr.row');
 rows.forEach(function(r){var ok=match(r,st,sev,q,impl,nw);r.hidden=!ok;if(ok)n++;});
 document.querySelectorAll('tr.inline').forEach(function(r){r.hidden=!match(r,st,sev,q,impl,nw);});
 document.querySelectorAll('details.file').forEach(function(d){var any=d.querySelector('tr.inline:not([hidden])');d.hidden=!any;});
 document.getElementById('shown').textContent='showing '+n+' of '+rows.length;nothing.hidden=n>0||!rows.length;
 if(write){var h=new URLSearchParams();h.set('status',st.join(','));if(sev)h.set('severity',sev);if(q)h.set('q',q);if(impl)h.set('implemented','yes');if(nw)h.set('new','yes');history.replaceState(null,'','#'+h.toString());problem.hidden=true;}}
form.addEventListener('submit',function(e){e.preventDefault();});
fromHash();apply(false);form.addEventListener('input',function(){apply(true);});window.addEventListener('hashchange',function(){fromHash();apply(false);});
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
`;

/**
 * The CSP admits the report's own script by its hash, and nothing else: no inline handler, no
 * injected <script>, even if foreign text were ever written unescaped.
 */
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

/** report-html: the path given, else next to the JSON report; `none`: no HTML report. */
export function htmlReportPath(given: string, reportFile: string): string {
  if (given === 'none') return '';
  if (given) return given;
  return reportFile ? `${reportFile.replace(/\.json$/i, '')}.html` : '';
}

export function buildHtmlReport(input: HtmlReportInput): string {
  const rows = controlRows(input);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(input.title)} — ${input.gate.verdict} ${input.report.score}%</title><style>${STYLE}</style></head>
<body>
${header(input, rows)}
${controlsSection(input, rows)}
${filesSection(input, rows)}
${passingSection(input)}
${vulnerabilitiesSection(input.report)}
${packagesSection(input.report)}
${trendSection(input.trend)}
<script>${SCRIPT}</script>
</body></html>
`;
}

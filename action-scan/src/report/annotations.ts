/**
 * Failing findings → annotations at the hardening-script line that implements each CIS control.
 * Pure: no I/O. Delivery (Checks API or workflow commands) is in github/checks.ts.
 */

import { type Benchmark, benchmarkLabel } from '../../../shared/src/benchmark.js';
import {
  type ChangeMap,
  type CisChange,
  locate,
  type MarkerScheme,
  refKey,
  refLabel,
  shortRuleId,
} from '../../../shared/src/cis-map.js';
import type { Finding } from '../findings.js';
import { contentLabel, type NumberingPlan, translateRule } from '../numbering.js';
import type { ClaimedControl } from './report.js';

export type { ClaimedControl } from './report.js';

export interface PlannedAnnotation {
  /** error: a control the hardening code claims fails; warning/notice: not implemented (notice: an engine's own suggestion). */
  level: 'error' | 'warning' | 'notice';
  file?: string;
  line?: number;
  /** The last line of the marker's block (what a pull request changes when it changes the control). */
  endLine?: number;
  title: string;
  message: string;
  /** The CIS ID the annotation is about (the first one the finding carries), if any. */
  cisId?: string;
  /** The control as people name it: `CIS 5.2.5`, `ANSSI BP28(R12)`, `rule sshd_set_max_auth_tries`. */
  control?: string;
  ruleId: string;
  engine: string;
  severity: string;
  status: string;
  /** true: placed on the change that implements the control; false: "not implemented"/unmapped. */
  implemented: boolean;
  /** How to fix it, when the engine says (annotation raw details, SARIF). */
  fix?: string;
  /** Whether the fix was tried in a copy of the image (fix-verify.ts): only a verified one is offered. */
  fixVerdict?: { verified: boolean; said: string };
  /** Whether the block's value edit (report/suggestions.ts) was tried: the edited file run in a copy of the image. */
  editVerdict?: { verified: boolean; said: string };
  /** A reviewed waiver covers this failure: a notice on the waiver's line, suppressed in SARIF. */
  waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
  /** An expired or incomplete waiver (annotated on its line): fails the gate. */
  waiverProblem?: boolean;
  /** A failure the hardening code cannot cause (classify.ts), and why. */
  failureClass?: 'not-installed' | 'offline-state' | 'content-misfit';
  classWhy?: string;
  /** The ratchet: a control the last golden image claimed and passed is dropped (no marker now) or regressed (fails now). */
  ratchet?: 'dropped' | 'regressed';
  /** The code numbers this control otherwise than the content: the content's id, translated to the code's. */
  translated?: { from: string; fromBenchmark?: Benchmark; to: string; toBenchmark: Benchmark; via: string };
}

/** A fix is offered (SARIF fix, suggested change, suggested script) only once it was verified. */
export const offeredFix = (a: { fix?: string; fixVerdict?: { verified: boolean } }): string | undefined =>
  a.fix && a.fixVerdict?.verified ? a.fix : undefined;

/** How a fix is introduced wherever its text is shown: verified, not verified (why), or not tried. */
export function fixLabel(a: { fixVerdict?: { verified: boolean; said: string } }): string {
  if (a.fixVerdict?.verified) return `Suggested fix (${a.fixVerdict.said})`;
  if (a.fixVerdict)
    return `Remediation from the content, ${a.fixVerdict.said}; do not add it to the build as it is`;
  return 'Remediation from the content (not tried on this image; do not add it to the build untried)';
}

export function describeFinding(f: Finding): string {
  const lines = [];
  if (f.expected) lines.push(`Expected: ${f.expected}`);
  if (f.found) lines.push(`Found: ${f.found}`);
  lines.push(`Rule: ${f.ruleId} (${f.engine}, severity ${f.severity}, result ${f.status})`);
  return lines.join('\n');
}

type Hit = {
  change: CisChange;
  exact: boolean;
  all: CisChange[];
  scheme: MarkerScheme;
  id: string;
  translated?: PlannedAnnotation['translated'];
};

/**
 * The change that implements a finding: its CIS ids (or their sections) among markers that declare
 * no benchmark or the content's own; among markers of another declared benchmark, the ids its rule
 * has there (the crosswalk), never its bare number; then other benchmarks' ids, its rule id.
 */
export function locateFinding(map: ChangeMap, f: Finding, numbering?: NumberingPlan): Hit | undefined {
  const same = numbering?.declared.filter((d) => d.how === 'same').map((d) => d.benchmark) ?? [];
  for (const bench of [undefined, ...same]) {
    for (const id of f.cisIds) {
      const hit = locate(map, id, bench);
      if (hit) return { ...hit, scheme: 'cis', id };
    }
  }
  for (const d of numbering?.declared ?? []) {
    if (d.how !== 'translated') continue;
    for (const to of translateRule(d.translation!, f.ruleId)) {
      const hit = locate(map, to, d.benchmark);
      if (hit)
        return {
          ...hit,
          scheme: 'cis',
          id: to,
          translated: {
            from: f.cisIds[0] ?? shortRuleId(f.ruleId),
            ...(numbering!.content.numbersBy ? { fromBenchmark: numbering!.content.numbersBy } : {}),
            to,
            toBenchmark: d.benchmark,
            via: d.translation!.source,
          },
        };
    }
  }
  const exact = (scheme: MarkerScheme, id: string): Hit | undefined => {
    const all = map.byId.get(refKey(scheme, id));
    return all?.length ? { change: all[0], exact: true, all, scheme, id } : undefined;
  };
  for (const r of f.refs ?? []) {
    const hit = exact(r.scheme, r.id);
    if (hit) return hit;
  }
  if (f.engine === 'lynis') return exact('lynis', f.ruleId);
  return exact('rule', f.ruleId);
}

/** "CIS 5.2.4 in the scan's Ubuntu 20.04 v1.0.0 numbering is 5.1.14 in your Ubuntu 22.04 v2.0.0 code." */
/** How a located control is named: in the code's benchmark when it was translated to it. */
const hitLabel = (hit: Hit): string =>
  hit.translated
    ? `CIS ${hit.id} (${benchmarkLabel(hit.translated.toBenchmark)})`
    : refLabel(hit.scheme, hit.id);

function translationLine(t: NonNullable<Hit['translated']>): string {
  const from = t.fromBenchmark ? `in the scan's ${benchmarkLabel(t.fromBenchmark)} numbering` : `in the scan`;
  return `CIS ${t.from} ${from} is ${t.to} in your ${benchmarkLabel(t.toBenchmark)} code (through the rule ids of ${t.via}).`;
}

/** Where a not-implemented control would be in code of a declared benchmark: `5.1.14 in Ubuntu 22.04 v2.0.0`. */
function elsewhere(f: Finding, numbering?: NumberingPlan): string[] {
  const out: string[] = [];
  for (const d of numbering?.declared ?? []) {
    if (d.how !== 'translated') continue;
    const ids = translateRule(d.translation!, f.ruleId);
    out.push(
      ids.length
        ? `${ids.join(', ')} in ${benchmarkLabel(d.benchmark)}`
        : `no recommendation of ${benchmarkLabel(d.benchmark)} is checked by this rule`,
    );
  }
  return out;
}

/** The control a finding is about, as people name it (its first CIS id, else another benchmark's id). */
function controlOf(
  f: Finding,
  profileScheme?: MarkerScheme,
): { scheme: MarkerScheme; id: string } | undefined {
  const other = f.refs?.find((r) => r.scheme === profileScheme);
  if (other) return other;
  if (f.cisIds.length) return { scheme: 'cis', id: f.cisIds[0] };
  if (f.engine === 'lynis') return { scheme: 'lynis', id: f.ruleId };
  return f.refs?.[0];
}

export interface PlanOptions {
  /**
   * Where findings with no change in the code are annotated, at line 1: the template, else the first
   * hardening file, else the results file (all workspace-relative). Every annotation needs a place.
   */
  fallbackFile?: string;
  /** The benchmark the profile is for (a STIG profile names STIG ids first). */
  profileScheme?: MarkerScheme;
  /** Which CIS benchmark each side numbers by, and how they compare. */
  numbering?: NumberingPlan;
}

/**
 * Errors first (controls the code claims, in file/line order), then the not-implemented ones, so
 * that dozens of missing controls do not bury a broken one.
 */
export function planAnnotations(
  findings: readonly Finding[],
  map: ChangeMap,
  opts: PlanOptions | string = {},
): PlannedAnnotation[] {
  const { fallbackFile, profileScheme, numbering } = typeof opts === 'string' ? { fallbackFile: opts } : opts;
  const uncompared = numbering?.declared.filter((d) => d.how === 'none') ?? [];
  const located: PlannedAnnotation[] = [];
  const unplaced: PlannedAnnotation[] = [];
  for (const f of findings) {
    if (f.status !== 'fail' && f.status !== 'error') continue;
    const base = {
      ruleId: f.ruleId,
      engine: f.engine,
      severity: f.severity,
      status: f.status,
      ...(f.fix ? { fix: f.fix } : {}),
      ...(f.fixVerdict ? { fixVerdict: f.fixVerdict } : {}),
    };
    const hit = locateFinding(map, f, numbering);
    if (hit) {
      const others = hit.all.slice(1).map((c) => `${c.file}:${c.line}`);
      const label = hitLabel(hit);
      const prefix = `${hit.translated ? `${translationLine(hit.translated)}\n` : ''}${
        hit.exact
          ? ''
          : `No change carries ${label} itself; annotated on the change for section CIS ${hit.change.cisId}.\n`
      }`;
      located.push({
        ...base,
        level: 'error',
        file: hit.change.file,
        line: hit.change.line,
        endLine: hit.change.endLine,
        title: `${label}: ${f.title}`,
        message: `${prefix}${describeFinding(f)}${others.length ? `\nAlso changed at: ${others.join(', ')}` : ''}`,
        ...(hit.scheme === 'cis' ? { cisId: hit.id } : {}),
        ...(hit.translated ? { translated: hit.translated } : {}),
        control: label,
        implemented: true,
      });
      continue;
    }
    const there = elsewhere(f, numbering);
    const unknown = uncompared.length
      ? `\nIt may be implemented in markers that could not be compared with this content (${uncompared.map((d) => benchmarkLabel(d.benchmark)).join(', ')}).`
      : '';
    const control = controlOf(f, profileScheme);
    const label = control ? refLabel(control.scheme, control.id) : undefined;
    const where = { file: fallbackFile, line: fallbackFile ? 1 : undefined };
    // An engine's own low-severity advice (Lynis suggestions) is a notice, not a warning.
    const level = f.engine === 'lynis' && f.severity !== 'high' ? 'notice' : 'warning';
    const marker =
      control?.scheme === 'lynis'
        ? `# Lynis ${f.ruleId}`
        : label
          ? `# ${label}`
          : `# rule ${shortRuleId(f.ruleId)}`;
    unplaced.push({
      ...base,
      ...where,
      level,
      title: `${label ?? `${f.engine} ${shortRuleId(f.ruleId)}`}: ${f.title} (not implemented)`,
      message: `No change in the hardening code is marked for this control (add a "${marker}" comment where you implement it${
        numbering?.content.numbersBy && control?.scheme === 'cis'
          ? `; ${control.id} is in the content's ${contentLabel(numbering.content)} numbering`
          : ''
      }${there.length ? `; in your code's numbering: ${there.join('; ')}` : ''}).${unknown}\n${describeFinding(f)}`,
      ...(control?.scheme === 'cis' ? { cisId: control.id } : {}),
      ...(label ? { control: label } : {}),
      implemented: false,
    });
  }
  located.sort((a, b) => (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : a.line! - b.line!));
  return [...located, ...unplaced];
}

/** Changed lines per file from `git diff --unified=0` output. */
/**
 * Every control the code claims, one entry per control at its first marker, with the rules the scan
 * evaluated for it (pass, fail or error) and whether every one passed: what the ratchet compares.
 */
export function claimedControls(
  findings: readonly Finding[],
  map: ChangeMap,
  numbering?: NumberingPlan,
): ClaimedControl[] {
  const byControl = new Map<string, ClaimedControl>();
  for (const f of findings) {
    if (f.status !== 'pass' && f.status !== 'fixed' && f.status !== 'fail' && f.status !== 'error') continue;
    const hit = locateFinding(map, f, numbering);
    if (!hit) continue;
    const control = hitLabel(hit);
    const c = byControl.get(control) ?? {
      control,
      location: `${hit.change.file}:${hit.change.line}`,
      title: f.title,
      rules: [],
      passed: true,
    };
    c.rules.push(`${f.engine}:${f.ruleId}`);
    if (f.status === 'fail' || f.status === 'error') c.passed = false;
    byControl.set(control, c);
  }
  return [...byControl.values()].sort((a, b) => a.control.localeCompare(b.control, 'en', { numeric: true }));
}

export function parseChangedLines(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4).trim();
      file = p === '/dev/null' ? undefined : p.replace(/^b\//, '');
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && file) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      const set = out.get(file) ?? new Set<number>();
      for (let i = 0; i < count; i++) set.add(start + i);
      out.set(file, set);
    }
  }
  return out;
}

/** Whether a pull request changed the annotation's control: any line of its marker's block. */
export function touchesChange(a: PlannedAnnotation, changed: Map<string, Set<number>>): boolean {
  const lines = a.file && a.line ? changed.get(a.file) : undefined;
  if (!lines) return false;
  for (let l = a.line!; l <= (a.implemented ? (a.endLine ?? a.line!) : a.line!); l++)
    if (lines.has(l)) return true;
  return false;
}

/** Annotations on controls the pull request changed come first (stable otherwise). */
export function prioritise(
  annotations: readonly PlannedAnnotation[],
  changed: Map<string, Set<number>>,
): PlannedAnnotation[] {
  const onChanged = (a: PlannedAnnotation) => (touchesChange(a, changed) ? 0 : 1);
  return annotations
    .map((a, i) => ({ a, i }))
    .sort((x, y) => onChanged(x.a) - onChanged(y.a) || x.i - y.i)
    .map((x) => x.a);
}

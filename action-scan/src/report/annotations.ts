/**
 * Failing findings → annotations at the hardening-script line that implements each CIS control.
 * Pure: no I/O. Delivery (Checks API or workflow commands) is in github/checks.ts.
 */
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
  /** A reviewed waiver covers this failure: a notice on the waiver's line, suppressed in SARIF. */
  waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
  /** An expired or incomplete waiver (annotated on its line): fails the gate. */
  waiverProblem?: boolean;
}

export function describeFinding(f: Finding): string {
  const lines = [];
  if (f.expected) lines.push(`Expected: ${f.expected}`);
  if (f.found) lines.push(`Found: ${f.found}`);
  lines.push(`Rule: ${f.ruleId} (${f.engine}, severity ${f.severity}, result ${f.status})`);
  return lines.join('\n');
}

type Hit = { change: CisChange; exact: boolean; all: CisChange[]; scheme: MarkerScheme; id: string };

/** The change that implements a finding: its CIS ids (or their sections), other benchmarks' ids, its rule id. */
export function locateFinding(map: ChangeMap, f: Finding): Hit | undefined {
  for (const id of f.cisIds) {
    const hit = locate(map, id);
    if (hit) return { ...hit, scheme: 'cis', id };
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
  const { fallbackFile, profileScheme } = typeof opts === 'string' ? { fallbackFile: opts } : opts;
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
    };
    const hit = locateFinding(map, f);
    if (hit) {
      const others = hit.all.slice(1).map((c) => `${c.file}:${c.line}`);
      const label = refLabel(hit.scheme, hit.id);
      const prefix = hit.exact
        ? ''
        : `No change carries ${label} itself; annotated on the change for section CIS ${hit.change.cisId}.\n`;
      located.push({
        ...base,
        level: 'error',
        file: hit.change.file,
        line: hit.change.line,
        endLine: hit.change.endLine,
        title: `${label}: ${f.title}`,
        message: `${prefix}${describeFinding(f)}${others.length ? `\nAlso changed at: ${others.join(', ')}` : ''}`,
        ...(hit.scheme === 'cis' ? { cisId: hit.id } : {}),
        control: label,
        implemented: true,
      });
      continue;
    }
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
      message: `No change in the hardening code is marked for this control (add a "${marker}" comment where you implement it).\n${describeFinding(f)}`,
      ...(control?.scheme === 'cis' ? { cisId: control.id } : {}),
      ...(label ? { control: label } : {}),
      implemented: false,
    });
  }
  located.sort((a, b) => (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : a.line! - b.line!));
  return [...located, ...unplaced];
}

/** Changed lines per file from `git diff --unified=0` output. */
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

/**
 * Failing findings → annotations at the hardening-script line that implements each CIS control.
 * Pure: no I/O. Delivery (Checks API or workflow commands) is in github/checks.ts.
 */
import { type ChangeMap, locate } from '../cis-map.js';
import type { Finding } from '../findings.js';
import { shortRuleId } from '../formats/xccdf.js';

export interface PlannedAnnotation {
  level: 'error' | 'warning';
  file?: string;
  line?: number;
  title: string;
  message: string;
  /** The CIS ID the annotation is about (the first one the finding carries), if any. */
  cisId?: string;
  ruleId: string;
  engine: string;
  severity: string;
  /** true: placed on the change that implements the control; false: "not implemented"/unmapped. */
  implemented: boolean;
}

export function describeFinding(f: Finding): string {
  const lines = [];
  if (f.expected) lines.push(`Expected: ${f.expected}`);
  if (f.found) lines.push(`Found: ${f.found}`);
  lines.push(`Rule: ${f.ruleId} (${f.engine}, severity ${f.severity}, result ${f.status})`);
  return lines.join('\n');
}

/**
 * @param fallbackFile where controls with no change in the code are annotated (the template, or the
 *        first hardening file), at line 1.
 */
export function planAnnotations(
  findings: readonly Finding[],
  map: ChangeMap,
  fallbackFile?: string,
): PlannedAnnotation[] {
  const located: PlannedAnnotation[] = [];
  const unplaced: PlannedAnnotation[] = [];
  for (const f of findings) {
    if (f.status !== 'fail' && f.status !== 'error') continue;
    const level = f.status === 'fail' ? 'error' : 'warning';
    const base = { level, ruleId: f.ruleId, engine: f.engine, severity: f.severity } as const;
    let hit: ReturnType<typeof locate>;
    let hitId: string | undefined;
    for (const id of f.cisIds) {
      hit = locate(map, id);
      if (hit) {
        hitId = id;
        break;
      }
    }
    if (hit && hitId) {
      const others = hit.all.slice(1).map((c) => `${c.file}:${c.line}`);
      const prefix = hit.exact
        ? ''
        : `No change carries CIS ${hitId} itself; annotated on the change for section CIS ${hit.change.cisId}.\n`;
      located.push({
        ...base,
        file: hit.change.file,
        line: hit.change.line,
        title: `CIS ${hitId}: ${f.title}`,
        message: `${prefix}${describeFinding(f)}${others.length ? `\nAlso changed at: ${others.join(', ')}` : ''}`,
        cisId: hitId,
        implemented: true,
      });
    } else if (f.cisIds.length) {
      const ids = f.cisIds.join(', ');
      unplaced.push({
        ...base,
        file: fallbackFile,
        line: fallbackFile ? 1 : undefined,
        title: `CIS ${f.cisIds[0]}: ${f.title} (not implemented)`,
        message: `No change in the hardening code is marked CIS ${ids} (add a "# CIS ${f.cisIds[0]}" comment where you implement it).\n${describeFinding(f)}`,
        cisId: f.cisIds[0],
        implemented: false,
      });
    } else {
      unplaced.push({
        ...base,
        file: fallbackFile,
        line: fallbackFile ? 1 : undefined,
        title: `${f.engine} ${shortRuleId(f.ruleId)}: ${f.title}`,
        message: `This check has no CIS benchmark ID, so it cannot be placed on a change.\n${describeFinding(f)}`,
        implemented: false,
      });
    }
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

/** Annotations on lines the pull request changed come first (stable otherwise). */
export function prioritise(
  annotations: readonly PlannedAnnotation[],
  changed: Map<string, Set<number>>,
): PlannedAnnotation[] {
  const onChanged = (a: PlannedAnnotation) => (a.file && a.line && changed.get(a.file)?.has(a.line) ? 0 : 1);
  return annotations
    .map((a, i) => ({ a, i }))
    .sort((x, y) => onChanged(x.a) - onChanged(y.a) || x.i - y.i)
    .map((x) => x.a);
}

/**
 * The ratchet: what the last golden image carried is the floor. A control its scan claimed (a
 * marker) and passed must still be claimed and still pass; the score may fall only through waivers.
 * Deleting a marker, or breaking a control that used to pass, fails the gate unless a reviewed
 * waiver names it. Controls are compared by their rules (engine and rule id), never by a bare
 * number, so a change of benchmark declaration does not hide or invent a drop. Pure.
 */
import { escapeRegExp } from '../../shared/src/regexp.js';
import { shortProfile } from './content.js';
import type { Finding } from './findings.js';
import type { ClaimedControl } from './report/annotations.js';
import type { ScanReport } from './report/report.js';

export interface RatchetItem {
  control: string;
  /** where the baseline's marker was */
  location: string;
  rules: string[];
  title: string;
  /** for regressed: where it is claimed now */
  now?: string;
}

export interface RatchetResult {
  /** on: compared; off: turned off (ratchet: false); no-baseline: nothing to compare with */
  state: 'on' | 'off' | 'no-baseline';
  baseline?: { amiId?: string; generatedAt: string; score: number };
  /** claimed and passed in the baseline, claimed by no marker now */
  dropped: RatchetItem[];
  /** claimed and passed in the baseline, claimed now, failing now */
  regressed: RatchetItem[];
  /** claimed and passed in the baseline, none of its rules evaluated now */
  notCompared: RatchetItem[];
  /** dropped or regressed, but a reviewed waiver names it */
  waived: RatchetItem[];
  /** claimed, passed and still so */
  kept: number;
  scoreFell?: { from: number; to: number };
  /** why nothing could be compared at all (fails closed), e.g. another profile */
  problem?: string;
  /** said, not failing: e.g. a baseline too old to list its claimed controls */
  notes: string[];
}

const failing = (f?: Finding) => !!f && (f.status === 'fail' || f.status === 'error') && !f.waiver;

export function evaluateRatchet(input: {
  on: boolean;
  baseline?: ScanReport;
  profile?: string;
  score: number;
  findings: readonly Finding[];
  claimed: readonly ClaimedControl[];
  /** a valid waiver in scope names this finding */
  waived: (f: Finding) => boolean;
}): RatchetResult {
  const empty = () => ({ dropped: [], regressed: [], notCompared: [], waived: [], kept: 0, notes: [] });
  if (!input.on) return { state: 'off', ...empty() };
  const b = input.baseline;
  if (!b) return { state: 'no-baseline', ...empty() };
  const out: RatchetResult = {
    state: 'on',
    baseline: { ...(b.amiId ? { amiId: b.amiId } : {}), generatedAt: b.generatedAt, score: b.score },
    ...empty(),
  };
  if (b.profile && input.profile && shortProfile(b.profile) !== shortProfile(input.profile)) {
    out.problem = `the baseline was scanned with profile ${shortProfile(b.profile)}, this scan with ${shortProfile(input.profile)}: nothing can be compared`;
    return out;
  }
  if (input.score < b.score) out.scoreFell = { from: b.score, to: input.score };
  if (!b.claimed) {
    out.notes.push(
      'the baseline lists no claimed controls (an ami-bakery older than the ratchet wrote it): only the score is compared; the next baseline will list them',
    );
    return out;
  }
  const now = new Map(input.findings.map((f) => [`${f.engine}:${f.ruleId}`, f]));
  const claimedNow = new Map<string, ClaimedControl>();
  for (const c of input.claimed) for (const r of c.rules) claimedNow.set(r, c);
  for (const c of b.claimed) {
    if (!c.passed) continue;
    const item: RatchetItem = { control: c.control, location: c.location, rules: c.rules, title: c.title };
    const found = c.rules
      .map((r) => now.get(r))
      .filter((f): f is Finding => !!f && f.status !== 'notselected');
    if (!found.length) {
      out.notCompared.push(item);
      continue;
    }
    const still = c.rules.map((r) => claimedNow.get(r)).find(Boolean);
    const broken = found.some(failing);
    if (still && !broken) {
      out.kept++;
      continue;
    }
    if (found.some((f) => input.waived(f) || f.waiver)) {
      out.waived.push(still ? { ...item, now: still.location } : item);
      continue;
    }
    if (!still) out.dropped.push(item);
    else out.regressed.push({ ...item, now: still.location });
  }
  return out;
}

const names = (items: readonly RatchetItem[], withPlace: boolean, n = Number.POSITIVE_INFINITY) => {
  const shown = items.slice(0, n).map((i) => (withPlace ? `${i.control} (was at ${i.location})` : i.control));
  return `${shown.join(', ')}${items.length > n ? `, … (${items.length - n} more)` : ''}`;
};

/** The gate's reasons from the ratchet: short (cut at `n` controls) or in full. */
export function ratchetReasons(r: RatchetResult, n = 8): string[] {
  if (r.state !== 'on') return [];
  const since = r.baseline?.amiId ? ` in ${r.baseline.amiId}` : ' in the baseline';
  const out: string[] = [];
  if (r.problem) out.push(`${r.problem} (ratchet; set ratchet: false to accept that, loudly)`);
  if (r.dropped.length)
    out.push(
      `dropped: ${r.dropped.length} control(s) claimed and passing${since} have no marker now: ${names(r.dropped, true, n)} (ratchet)`,
    );
  if (r.regressed.length)
    out.push(
      `regressed: ${r.regressed.length} control(s) that passed${since} fail now: ${names(r.regressed, false, n)} (ratchet)`,
    );
  if (r.notCompared.length)
    out.push(
      `${r.notCompared.length} control(s) claimed and passing${since} were not evaluated by this scan, so they cannot be shown to pass: ${names(r.notCompared, false, n)} (ratchet)`,
    );
  if (r.scoreFell)
    out.push(
      `score fell from ${r.scoreFell.from}%${since} to ${r.scoreFell.to}% (ratchet: it may fall only through waivers)`,
    );
  return out;
}

/** One line on the ratchet's state, for the summary, the report and the log. */
export function ratchetLine(r: RatchetResult): string {
  if (r.state === 'off')
    return 'Ratchet: OFF (ratchet: false). Controls the last golden image claimed may be dropped or fail, and the score may fall, without failing the gate.';
  if (r.state === 'no-baseline')
    return "Ratchet: not applied: there is no baseline (the last golden image's report) to compare with.";
  const since = r.baseline?.amiId
    ? `${r.baseline.amiId} (${r.baseline.score}%)`
    : `the baseline (${r.baseline?.score}%)`;
  if (r.problem) return `Ratchet: cannot compare with ${since}: ${r.problem}.`;
  const parts = [
    `${r.kept} kept`,
    `${r.dropped.length} dropped`,
    `${r.regressed.length} regressed`,
    ...(r.notCompared.length ? [`${r.notCompared.length} not evaluated`] : []),
    ...(r.waived.length ? [`${r.waived.length} waived`] : []),
  ];
  return `Ratchet against ${since}: ${parts.join(', ')}${r.scoreFell ? `; score fell to ${r.scoreFell.to}%` : ''}.${r.notes.length ? ` ${r.notes.join('. ')}.` : ''}`;
}

/**
 * Where a dropped control's marker was, on the pull request's side of its diff (`git diff
 * --unified=0`): the hunk that removed or rewrote a line of `file` naming the control's id, the
 * one nearest `oldLine`. The line is the rewritten line, or the line before a deletion.
 * Undefined when the diff removed no such line (the marker went in an earlier change).
 */
export function whereMarkerWas(
  diff: string,
  file: string,
  control: string,
  oldLine?: number,
): { file: string; line: number } | undefined {
  // "CIS 1.1.1.1 (Ubuntu 22.04 v1.0.0)": the id, without the benchmark the control is named in
  const id =
    control
      .replace(/\s+\([^)]*\)$/, '')
      .split(/\s+/)
      .pop() ?? control;
  const names = new RegExp(`(^|[^\\w.])${escapeRegExp(id)}($|[^\\w.])`);
  const found: Array<{ old: number; file: string; line: number }> = [];
  let header = false;
  let oldPath = '';
  let newPath = '';
  let hunk: { old: number; start: number; count: number; k: number } | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      header = true;
      hunk = undefined;
      continue;
    }
    if (header && line.startsWith('--- ')) oldPath = line.slice(4).trim().replace(/^a\//, '');
    else if (header && line.startsWith('+++ ')) newPath = line.slice(4).trim().replace(/^b\//, '');
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) {
      header = false;
      hunk = { old: Number(m[1]), start: Number(m[2]), count: m[3] === undefined ? 1 : Number(m[3]), k: 0 };
      continue;
    }
    if (header || !hunk || !line.startsWith('-') || oldPath !== file || newPath === '/dev/null') continue;
    if (names.test(line.slice(1)))
      found.push({
        old: hunk.old + hunk.k,
        file: newPath,
        line: hunk.count > 0 ? hunk.start + Math.min(hunk.k, hunk.count - 1) : Math.max(hunk.start, 1),
      });
    hunk.k++;
  }
  found.sort((a, b) => Math.abs(a.old - (oldLine ?? a.old)) - Math.abs(b.old - (oldLine ?? b.old)));
  return found[0] ? { file: found[0].file, line: found[0].line } : undefined;
}

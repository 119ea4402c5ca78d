/**
 * The scan gate: a pure function of the planned annotations, the score, the baseline diff and the
 * configuration. It fails closed: by default a control that the hardening code claims to implement
 * (a marker exists) and that fails is a gate failure; turning the gate off (`fail-on: none` with no
 * `min-score`) is explicit, and such a scan is `ungated`, never `passed`.
 */
import { InputError } from '../../shared/src/errors.js';
import { CLASS_LABEL } from './classify.js';
import { type RatchetResult, ratchetReasons } from './ratchet.js';
import type { PlannedAnnotation } from './report/annotations.js';
import type { BaselineDiff } from './report/report.js';

export const FAIL_ON = ['implemented', 'any', 'new', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function parseFailOn(raw: string): FailOn {
  const v = raw.trim().toLowerCase();
  // Blank means the default: a gate input never turns the gate off by being empty.
  if (v === '') return 'implemented';
  if (!(FAIL_ON as readonly string[]).includes(v)) {
    throw new InputError(
      'fail-on',
      `"${raw}" is not one of ${FAIL_ON.join(', ')}.`,
      'use implemented (default: controls the hardening code claims must pass), any, new, or none (no control gate).',
    );
  }
  return v as FailOn;
}

export interface GateConfig {
  failOn: FailOn;
  minScore?: number;
  /** the older boolean input: the same as adding fail-on: new */
  failOnNewFailures: boolean;
}

export interface GateResult {
  verdict: 'passed' | 'failed' | 'ungated';
  /** why it failed (empty when it did not); long lists of controls are cut */
  reasons: string[];
  /** the same reasons with every control named (the HTML report's header) */
  reasonsInFull: string[];
  /** what was checked, for the summary */
  checked: string[];
}

/** The distinct controls of failing annotations, named once each. */
function list(as: readonly PlannedAnnotation[], n: number): string {
  const names = [...new Set(as.map((a) => a.control ?? a.ruleId))];
  return `${names.slice(0, n).join(', ')}${names.length > n ? `, … (${names.length - n} more)` : ''}`;
}

/** "18 rules in 11 controls", or "3 controls" when each rule is its own control. */
function count(as: readonly PlannedAnnotation[]): string {
  const controls = new Set(as.map((a) => a.control ?? a.ruleId)).size;
  return as.length === controls ? `${controls} control(s)` : `${as.length} rules in ${controls} control(s)`;
}

export function evaluateScanGate(
  input: {
    score: number;
    annotations: readonly PlannedAnnotation[];
    diff?: BaselineDiff;
    /** Markers of a benchmark that cannot be compared with the content (numbering.ts): each a reason. */
    uncompared?: readonly string[];
    /** What the last golden image carried and this scan no longer does (ratchet.ts). */
    ratchet?: RatchetResult;
  },
  cfg: GateConfig,
): GateResult {
  const reasons: string[] = [];
  const reasonsInFull: string[] = [];
  const checked: string[] = [];
  // a reason that names controls: cut to 8 in `reasons`, all of them in `reasonsInFull`
  const fail = (why: (n: number) => string) => {
    reasons.push(why(8));
    reasonsInFull.push(why(Number.POSITIVE_INFINITY));
  };
  const failing = input.annotations.filter((a) => (a.status === 'fail' || a.status === 'error') && !a.waiver);
  const badWaivers = input.annotations.filter((a) => a.waiverProblem);
  if (badWaivers.length)
    fail(
      () =>
        `${badWaivers.length} waiver(s) expired or incomplete: ${badWaivers.map((a) => `${a.file}:${a.line} ${a.title.replace(/^Waiver /, '')}`).join('; ')}`,
    );
  if (cfg.failOn === 'implemented') {
    const claimed = failing.filter((a) => a.implemented);
    // Markers it cannot compare with the content leave it unable to judge: it fails closed, and says why.
    for (const u of input.uncompared ?? [])
      fail(() => `${u} (fail-on: implemented cannot judge markers it cannot compare)`);
    // failures the code cannot cause (classify.ts) are their own reason: told apart, still gating
    const own = claimed.filter((a) => !a.failureClass);
    const classed = claimed.filter((a) => a.failureClass);
    if (own.length)
      fail(
        (n) =>
          `${count(own)} the hardening code claims to implement fail: ${list(own, n)} (fail-on: implemented)`,
      );
    if (classed.length)
      fail(
        (n) =>
          `${count(classed)} the hardening code claims fail for reasons it cannot cause (${[...new Set(classed.map((a) => CLASS_LABEL[a.failureClass!]))].join('; ')}): ${list(classed, n)} (fail-on: implemented; review them and waive, citing the reason)`,
      );
    if (!claimed.length && !input.uncompared?.length)
      checked.push('every control the hardening code claims to implement passes (fail-on: implemented)');
  } else if (cfg.failOn === 'any') {
    if (failing.length) fail((n) => `${count(failing)} fail: ${list(failing, n)} (fail-on: any)`);
    else checked.push('no control fails (fail-on: any)');
  }
  if (cfg.failOn === 'new' || cfg.failOnNewFailures) {
    const why = cfg.failOn === 'new' ? 'fail-on: new' : 'fail-on-new-failures';
    if (input.diff) {
      if (input.diff.newFailures.length)
        fail(() => `${input.diff!.newFailures.length} new failure(s) against the baseline (${why})`);
      else checked.push(`no new failures against the baseline (${why})`);
    } else if (failing.length) {
      // No baseline to compare with: fail closed, every failure counts as new.
      fail(
        () => `${failing.length} failure(s) and no baseline to compare with, so all count as new (${why})`,
      );
    } else checked.push(`no failures, and no baseline (${why})`);
  }
  // The ratchet holds whatever fail-on says: a floor is not a setting of the control gate.
  if (input.ratchet) {
    const short = ratchetReasons(input.ratchet, 8);
    const full = ratchetReasons(input.ratchet, Number.POSITIVE_INFINITY);
    for (const [i, r] of short.entries()) fail((n) => (n === 8 ? r : full[i]));
    if (input.ratchet.state === 'on' && !short.length)
      checked.push(
        `nothing the baseline claimed and passed was dropped or fails (${input.ratchet.kept} kept; ratchet)`,
      );
  }
  if (cfg.minScore !== undefined) {
    if (input.score < cfg.minScore) fail(() => `score ${input.score}% is below min-score ${cfg.minScore}%`);
    else checked.push(`score ${input.score}% ≥ min-score ${cfg.minScore}%`);
  }
  const gated =
    cfg.failOn !== 'none' || cfg.minScore !== undefined || cfg.failOnNewFailures || badWaivers.length > 0;
  return {
    verdict: reasons.length ? 'failed' : gated ? 'passed' : 'ungated',
    reasons,
    reasonsInFull,
    checked: gated ? checked : ['no gate: fail-on is none and no min-score is set'],
  };
}

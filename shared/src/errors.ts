/**
 * Error classes that map to the CLI/action exit contract:
 *   0 success, 1 a gate failed (or the run itself failed), 2 bad input.
 */

/**
 * A refusal quotes what was given, but never a huge value whole: a quoted run over 200 characters
 * keeps its first 80, and the whole problem stays under 2,000 (the log and the summary carry it).
 */
function bounded(problem: string): string {
  const q = problem.replace(
    /"([^"]{200,})"/g,
    (_, v: string) => `"${v.slice(0, 80)}…" (${v.length} characters)`,
  );
  return q.length > 2000 ? `${q.slice(0, 1999)}…` : q;
}

/** Bad input from the user: names the input and says how to fix it. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  /** the problem as shown (long quoted values cut), without the input's name or the fix */
  readonly problem: string;
  constructor(
    readonly input: string,
    problem: string,
    readonly fix?: string,
  ) {
    super(`Input "${input}": ${bounded(problem)}${fix ? ` Fix: ${fix}` : ''}`);
    this.problem = bounded(problem);
    this.name = 'InputError';
  }
}

/** A tool the run needs is missing from this machine: names the package to install. Exit code 2. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** A gate (min-score, new failures, ...) did not pass. Exit code 1. */
export class GateError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'GateError';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err && typeof err.exitCode === 'number') {
    return err.exitCode;
  }
  return 1;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How a step ended, in the words of its `result` output and summary line. */
export type StepResult = 'success' | 'input-error' | 'gate-failed' | 'error';

/**
 * The runner sees exit 1 for every failed step; this tells bad input (the run refused before it
 * did anything) from a gate that did not pass and from a run that failed.
 */
export function resultOf(err: unknown): Exclude<StepResult, 'success'> {
  if (err instanceof GateError) return 'gate-failed';
  if (err instanceof EnvironmentError) return 'error';
  return exitCodeOf(err) === 2 ? 'input-error' : 'error';
}

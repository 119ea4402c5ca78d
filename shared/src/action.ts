/**
 * How a stage is run, once for both hosts: the GitHub Actions entry points (each action's src/main.ts,
 * with the @actions/core Io) and the CLI (cli/, with the console Io). `runStage` forwards
 * SIGINT/SIGTERM (a cancelled job, or Ctrl-C) as an AbortSignal so the stage can stop its child
 * processes and clean up before exiting.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { messageOf, resultOf, type StepResult } from './errors.js';
import { actionsIo, type Io } from './io.js';
import { escapeMarkdown } from './markdown.js';

/** A stage: reads its inputs from `io`, stops when `signal` aborts, throws to fail. */
export type StageRun = (io: Io, signal: AbortSignal) => Promise<unknown>;

/**
 * SIGINT/SIGTERM abort `controller`. The runner cancels with SIGINT, then SIGTERM about 7.5 s later,
 * then SIGKILL: the first signal stops the stage; a later one is answered (cleanup is still running)
 * instead of killing the process mid-cleanup. Returns the function that removes the handlers.
 */
export function abortOnSignals(
  controller: AbortController,
  say: { first?: (sig: NodeJS.Signals) => void; again: (message: string) => void },
): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      say.again(`Received ${sig} again: cleanup is still running; waiting for it to finish.`);
      return;
    }
    say.first?.(sig);
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

/** The outcome of a stage run: `error` is what it threw (undefined when it succeeded). */
export interface StageOutcome {
  ok: boolean;
  error?: unknown;
}

/** Run a stage with signal handling; never throws: the host decides how a failure is shown. */
export async function runStage(
  stage: StageRun,
  io: Io,
  say: { first?: (sig: NodeJS.Signals) => void; again: (message: string) => void },
): Promise<StageOutcome> {
  const controller = new AbortController();
  const remove = abortOnSignals(controller, say);
  try {
    await stage(io, controller.signal);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e };
  } finally {
    remove();
  }
}

/**
 * The action host: the runner's inputs, outputs and state; a failure fails the step. The main step
 * says how it ended in output `result` (success, input-error, gate-failed, error) and, when it
 * failed, in a line of the job summary: the runner itself only sees exit 1.
 */
export async function runAction(
  stage: StageRun,
  opts: { postStep?: boolean; isPost?: boolean } = {},
): Promise<void> {
  const io = actionsIo(process.env, opts);
  const outcome = await runStage(stage, io, {
    first: (sig) => core.warning(`Received ${sig}: stopping and cleaning up.`),
    again: (m) => core.info(m),
  });
  const result: StepResult = outcome.ok ? 'success' : resultOf(outcome.error);
  if (!opts.isPost) {
    core.setOutput('result', result);
    if (!outcome.ok) {
      const line = escapeMarkdown(messageOf(outcome.error).split('\n')[0].slice(0, 2000));
      await io.appendSummary(`\n**Result: ${result}** — ${line}\n`).catch(() => undefined);
    }
  }
  if (!outcome.ok) core.setFailed(messageOf(outcome.error));
}

/** A stage as its action and the CLI know it: the main step, and the post step if it has one. */
export interface Stage {
  name: string;
  run: StageRun;
  /** runs as the action's post step (post-if: always()), from the same bundle */
  post?: (io: Io) => Promise<unknown>;
}

/**
 * Whether the module at `metaUrl` is the script node was started with: an action's bundle run by
 * the runner, not the same bundle imported by the CLI (which runs the stage with its own Io).
 */
export function isEntryPoint(metaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return fs.realpathSync(fileURLToPath(metaUrl)) === fs.realpathSync(script);
  } catch {
    return false;
  }
}

/** An action's entry: the main step, or (same bundle, run again by the runner) the post step. */
export async function runActionStage(stage: Stage): Promise<void> {
  const post = stage.post;
  if (post && core.getState('isPost') === 'true') {
    await runAction((io) => post(io), { isPost: true });
    return;
  }
  if (post) core.saveState('isPost', 'true');
  await runAction(stage.run, { postStep: Boolean(post) });
}

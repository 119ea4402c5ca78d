/**
 * The thin glue every action's main.ts uses: run a stage with the @actions/core Io, turn errors into
 * a failed step, and forward SIGINT/SIGTERM (a cancelled job) as an AbortSignal so the stage can stop
 * its child processes and clean up before exiting.
 */
import * as core from '@actions/core';
import { messageOf } from './errors.js';
import { actionsIo, type Io } from './io.js';

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

export async function runAction(stage: StageRun, opts: { postStep?: boolean } = {}): Promise<void> {
  const controller = new AbortController();
  const remove = abortOnSignals(controller, {
    first: (sig) => core.warning(`Received ${sig}: stopping and cleaning up.`),
    again: (m) => core.info(m),
  });
  try {
    await stage(actionsIo(process.env, opts), controller.signal);
  } catch (e) {
    core.setFailed(messageOf(e));
  } finally {
    remove();
  }
}

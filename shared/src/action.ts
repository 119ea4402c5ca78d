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
 * The runner cancels with SIGINT, then SIGTERM about 7.5 s later, then SIGKILL: the first signal
 * stops the stage; a later one is answered (cleanup is still running) instead of killing the
 * process mid-cleanup.
 */
export async function runAction(stage: StageRun, opts: { postStep?: boolean } = {}): Promise<void> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      core.info(`Received ${sig} again: cleanup is still running; waiting for it to finish.`);
      return;
    }
    core.warning(`Received ${sig}: stopping and cleaning up.`);
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await stage(actionsIo(process.env, opts), controller.signal);
  } catch (e) {
    core.setFailed(messageOf(e));
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

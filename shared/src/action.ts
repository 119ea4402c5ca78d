/**
 * The thin glue every action's main.ts uses: run a stage with the @actions/core Io, turn errors into
 * a failed step, and forward SIGINT/SIGTERM (a cancelled job) as an AbortSignal so the stage can stop
 * its child processes and clean up before exiting.
 */
import * as core from '@actions/core';
import { messageOf } from './errors.js';
import { actionsIo, type Io } from './io.js';

export type StageRun = (io: Io, signal: AbortSignal) => Promise<unknown>;

export async function runAction(stage: StageRun): Promise<void> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    core.warning(`Received ${sig}: stopping and cleaning up.`);
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await stage(actionsIo(), controller.signal);
  } catch (e) {
    core.setFailed(messageOf(e));
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

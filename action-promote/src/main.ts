import '../../shared/src/esm-shim.js';
import { isEntryPoint, runActionStage, type Stage } from '../../shared/src/action.js';
import { runPromote } from './promote.js';

/** The stage, for the CLI (which imports this bundle and runs it with its own Io). */
export const stage: Stage = { name: 'promote', run: runPromote };

// Run by the runner: the main step, and again as the post step when the stage has one.
if (isEntryPoint(import.meta.url)) await runActionStage(stage);

import '../../shared/src/esm-shim.js';
import { runAction } from '../../shared/src/action.js';
import { runPromote } from './promote.js';

await runAction((io, signal) => runPromote(io, signal));

import '../../shared/src/esm-shim.js';
import { runAction } from '../../shared/src/action.js';
import { runBake } from './bake.js';

await runAction((io, signal) => runBake(io, signal));

import '../../shared/src/esm-shim.js';
import { runAction } from '../../shared/src/action.js';
import { runScan } from './scan.js';

await runAction((io, signal) => runScan(io, signal));

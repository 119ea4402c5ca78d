// The CLI's entry point (bundled to cli/dist/index.js; bin/ami-bakery.mjs runs the bundle).
import '../../shared/src/esm-shim.js';
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));

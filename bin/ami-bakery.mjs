#!/usr/bin/env node
// The ami-bakery CLI: runs the TypeScript sources of the stages directly (through tsx), so a clone
// needs only `npm ci`. The GitHub Actions run the same code from each action's dist/ bundle.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../shared/src/cli.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));

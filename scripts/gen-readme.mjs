// Regenerates the inputs/outputs tables in README.md from each action.yml, between the markers
// <!-- action-docs:NAME --> and <!-- /action-docs:NAME -->. `--check` exits 1 if README is stale.
import * as fs from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const readmePath = new URL('README.md', root);
let readme = fs.readFileSync(readmePath, 'utf8');
const cell = (s) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');

export function tables(action) {
  const doc = parse(fs.readFileSync(new URL(`${action}/action.yml`, root), 'utf8'));
  const lines = ['| input | default | description |', '|---|---|---|'];
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const d = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``;
    lines.push(`| \`${name}\` | ${d} | ${cell(spec.description)} |`);
  }
  lines.push('', '| output | description |', '|---|---|');
  for (const [name, spec] of Object.entries(doc.outputs ?? {}))
    lines.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return lines.join('\n');
}

const original = readme;
for (const m of [...readme.matchAll(/<!-- action-docs:([\w-]+) -->[\s\S]*?<!-- \/action-docs:\1 -->/g)]) {
  const action = m[1];
  readme = readme.replace(
    m[0],
    `<!-- action-docs:${action} -->\n${tables(action)}\n<!-- /action-docs:${action} -->`,
  );
}
if (process.argv.includes('--check')) {
  if (readme !== original) {
    console.error('README.md action tables are out of date: run node scripts/gen-readme.mjs');
    process.exit(1);
  }
} else fs.writeFileSync(readmePath, readme);

// Regenerates the inputs/outputs tables in README.md and docs/*.md from each action.yml, between
// the markers <!-- action-docs:NAME --> and <!-- /action-docs:NAME -->. `--check` exits 1 if a page
// is stale.
import * as fs from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
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

const pages = [
  new URL('README.md', root),
  ...fs
    .readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => new URL(`docs/${f}`, root)),
];
const stale = [];
for (const page of pages) {
  const original = fs.readFileSync(page, 'utf8');
  let text = original;
  for (const m of [...text.matchAll(/<!-- action-docs:([\w-]+) -->[\s\S]*?<!-- \/action-docs:\1 -->/g)]) {
    const action = m[1];
    text = text.replace(
      m[0],
      `<!-- action-docs:${action} -->\n${tables(action)}\n<!-- /action-docs:${action} -->`,
    );
  }
  if (text === original) continue;
  if (process.argv.includes('--check')) stale.push(page.pathname.slice(root.pathname.length));
  else fs.writeFileSync(page, text);
}
if (stale.length) {
  console.error(`action tables are out of date in ${stale.join(', ')}: run node scripts/gen-readme.mjs`);
  process.exit(1);
}

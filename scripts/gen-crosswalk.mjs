// Generates action-scan/data/cis-crosswalk.json: for each CIS benchmark version that ComplianceAsCode
// maps, each recommendation id → the ComplianceAsCode rule ids that check it. Ids only: no titles
// or other benchmark text. A maintainer reruns it against a clone of ComplianceAsCode/content:
//
//   node scripts/gen-crosswalk.mjs /path/to/ComplianceAsCode/content[.git]
//
// Sources, read with git (no work tree needed):
// - the control files (controls/cis_*.yml, products/*/controls/cis_*.yml) over their whole history
//   on HEAD: for each benchmark version the newest commit at that version, and the first release tag
//   that holds that version;
// - for products that never had a control file (Ubuntu 20.04), the `cis@<product>` references of
//   the rule.yml files at the last release that has them, with the version from the profile text.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { parse } from 'yaml';

const repo = process.argv[2];
if (!repo) {
  console.error('usage: node scripts/gen-crosswalk.mjs <ComplianceAsCode/content git directory>');
  process.exit(2);
}
const out = new URL('../action-scan/data/cis-crosswalk.json', import.meta.url);
const git = (...args) =>
  execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

/** product key → the control file paths it has had (renames included). */
const CONTROL_FILES = {
  ubuntu2204: ['controls/cis_ubuntu2204.yml', 'controls/cis_ubuntu2204_v2.yml'],
  ubuntu2404: ['controls/cis_ubuntu2404.yml'],
  debian12: ['controls/cis_debian12.yml'],
  debian13: ['controls/cis_debian13.yml'],
  al2023: ['controls/cis_al2023.yml'],
  rhel7: ['controls/cis_rhel7.yml'],
  rhel8: ['controls/cis_rhel8.yml', 'products/rhel8/controls/cis_rhel8.yml'],
  rhel9: ['controls/cis_rhel9.yml', 'products/rhel9/controls/cis_rhel9.yml'],
  rhel10: ['controls/cis_rhel10.yml', 'products/rhel10/controls/cis_rhel10.yml'],
  almalinux9: ['controls/cis_almalinux9.yml'],
  sle12: ['controls/cis_sle12.yml'],
  sle15: ['controls/cis_sle15.yml', 'controls/cis_sle_15.yml'],
};
/**
 * Versions a control file once carried that are not that product's benchmark: controls/cis_sle_15.yml
 * began (2021-09) as a copy of the SLE 12 v3.0.0 file, header included; SLE 15 had no v3.0.0 then.
 */
const SKIP = {
  sle15: { '3.0.0': 'a copy of the SLE 12 v3.0.0 control file (controls/cis_sle_15.yml, 2021)' },
};
/** product → the release whose rule.yml `cis@<product>` references are the mapping. */
const REFERENCE_PRODUCTS = { ubuntu2004: 'v0.1.77' };

const normVersion = (v) =>
  String(v)
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/^v/i, '');
const releases = git('tag', '--list', 'v0.1.*', '--sort=creatordate').split('\n').filter(Boolean);

function firstRelease(commit) {
  const holding = new Set(git('tag', '--contains', commit, '--list', 'v0.1.*').split('\n').filter(Boolean));
  return releases.find((t) => holding.has(t));
}

/** Recommendation id → rule ids, from a control file's (possibly nested) controls. */
function controlsOf(doc) {
  const map = {};
  const walk = (list) => {
    for (const c of list ?? []) {
      const id = String(c.id ?? '');
      const rules = (c.rules ?? []).filter((r) => typeof r === 'string' && !r.includes('='));
      if (/^\d+(\.\d+)*$/.test(id) && rules.length)
        map[id] = [...new Set([...(map[id] ?? []), ...rules])].sort();
      walk(c.controls);
    }
  };
  walk(doc.controls);
  return map;
}

const benchmarks = {};
for (const [product, paths] of Object.entries(CONTROL_FILES)) {
  const log = git('log', '--format=%H %cs', 'HEAD', '--', ...paths)
    .split('\n')
    .filter(Boolean);
  // newest first: the first commit seen at a version is its newest; the last seen is its oldest
  const seen = new Map();
  for (const line of log) {
    const [commit, date] = line.split(' ');
    for (const p of paths) {
      let text;
      try {
        text = git('show', `${commit}:${p}`);
      } catch {
        continue;
      }
      const v = /^version:\s*(.+)$/m.exec(text);
      if (!v) continue;
      const version = normVersion(v[1]);
      if (!/^\d+(\.\d+)*$/.test(version)) continue; // drafts ("Draft") are not a benchmark version
      if (SKIP[product]?.[version]) continue;
      const entry = seen.get(version);
      if (!entry) seen.set(version, { newest: { commit, date, path: p, text }, oldest: commit });
      else entry.oldest = commit;
    }
  }
  for (const [version, { newest, oldest }] of seen) {
    const controls = controlsOf(parse(newest.text));
    if (!Object.keys(controls).length) continue;
    benchmarks[`${product} ${version}`] = {
      product,
      version,
      source: { path: newest.path, commit: newest.commit, date: newest.date },
      firstRelease: firstRelease(oldest) ?? null,
      controls,
    };
  }
}

for (const [product, tag] of Object.entries(REFERENCE_PRODUCTS)) {
  const profile = git('show', `${tag}:products/${product}/profiles/cis_level1_server.profile`);
  const v = /Benchmark,?\s+v(\d+(?:\.\d+)+)/.exec(profile);
  if (!v) throw new Error(`${tag}: no benchmark version in the ${product} CIS profile`);
  const controls = {};
  const grep = git('grep', '-E', `^\\s+cis@${product}:`, tag, '--', '*rule.yml');
  for (const line of grep.split('\n').filter(Boolean)) {
    const [, file, ...rest] = line.split(':');
    const rule = file.split('/').at(-2);
    const ids = rest.join(':').split(`cis@${product}:`)[1] ?? '';
    for (const id of ids.split(',').map((s) => s.trim().replace(/^["']|["']$/g, ''))) {
      if (!/^\d+(\.\d+)*$/.test(id)) continue;
      controls[id] = [...new Set([...(controls[id] ?? []), rule])].sort();
    }
  }
  const commit = git('rev-list', '-1', tag).trim();
  benchmarks[`${product} ${v[1]}`] = {
    product,
    version: v[1],
    source: { path: `*/rule.yml references cis@${product}`, commit, release: tag },
    firstRelease: null,
    controls,
  };
}

const sorted = Object.fromEntries(
  Object.entries(benchmarks).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })),
);
const head = git('rev-parse', 'HEAD').trim();
fs.mkdirSync(new URL('.', out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      about:
        'CIS benchmark recommendation ids and the ComplianceAsCode rule ids that check them, per benchmark version. Facts (ids) generated by scripts/gen-crosswalk.mjs from the control files of ComplianceAsCode/content (BSD-3-Clause); no benchmark text.',
      source: { repository: 'ComplianceAsCode/content', license: 'BSD-3-Clause', head },
      benchmarks: sorted,
    },
    null,
    0,
  )}\n`,
);
// the project's formatter lays it out (one id a line), so a rerun's diff shows each mapping that moved
execFileSync(
  process.execPath,
  [
    new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url).pathname,
    'format',
    '--write',
    new URL(out).pathname,
  ],
  { stdio: 'ignore' },
);
for (const [k, b] of Object.entries(sorted))
  console.log(
    `${k.padEnd(18)} ${String(Object.keys(b.controls).length).padStart(4)} recommendations  ${b.source.path}@${b.source.commit.slice(0, 10)}  first release ${b.firstRelease ?? '-'}`,
  );
console.log(`wrote ${new URL(out).pathname} (${fs.statSync(out).size} bytes)`);

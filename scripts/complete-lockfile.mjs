// Adds lockfile entries for platform-specific optional packages (@rollup/rollup-*, @biomejs/cli-*)
// that npm left out because this machine's registry mirror only serves the linux-x64-gnu builds.
// Without them `npm ci` refuses the lockfile ("Missing: ... from lock file"). Each entry carries
// its os/cpu/libc, so npm skips it on other platforms and fetches it by name where it applies.
// Run after `npm install` changes package-lock.json: node scripts/complete-lockfile.mjs
import * as fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'];
const OSES = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32'];

function platformOf(name) {
  const base = name
    .split('/')
    .pop()
    .replace(/^(rollup|cli)-/, '');
  const parts = base.split('-');
  const os = parts.find((p) => OSES.includes(p));
  const cpu = parts.find((p) => CPUS.includes(p));
  if (!os || !cpu) return undefined;
  const libc = os === 'linux' ? (parts.some((p) => p.startsWith('musl')) ? 'musl' : 'glibc') : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [, entry] of Object.entries({ ...pkgs })) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const p = platformOf(dep);
    if (!p) continue;
    pkgs[key] = {
      version,
      cpu: [p.cpu],
      dev: entry.dev,
      license: entry.license,
      optional: true,
      os: [p.os],
      ...(p.libc ? { libc: [p.libc] } : {}),
    };
    if (!entry.dev) delete pkgs[key].dev;
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);

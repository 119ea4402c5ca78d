/**
 * What changed in the packages between two images (issue 26): added, removed, upgraded and
 * downgraded, compared as dpkg compares versions (or, for rpm images, as rpm does). Pure.
 */

/** A package as the JSON report keeps it (its SBOM's fields that a diff needs). */
export interface ReportPackage {
  name: string;
  version: string;
  architecture: string;
  source?: string;
  license?: string;
}

export interface PackageChange {
  name: string;
  architecture: string;
  from?: string;
  to?: string;
}

export interface PackageDiff {
  added: PackageChange[];
  removed: PackageChange[];
  upgraded: PackageChange[];
  downgraded: PackageChange[];
}

/** dpkg's order of a character in a version part: `~` before everything, then the end, letters, the rest. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: alternating non-digit and digit runs. */
function partCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let first = 0;
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ac = i < a.length && !/\d/.test(a[i]) ? order(a[i]) : 0;
      const bc = j < b.length && !/\d/.test(b[j]) ? order(b[j]) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /\d/.test(a[i]) && j < b.length && /\d/.test(b[j])) {
      if (!first) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i])) return 1;
    if (j < b.length && /\d/.test(b[j])) return -1;
    if (first) return first;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(v.slice(0, colon)) ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash > 0
    ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
    : { epoch, upstream: rest, revision: '' };
}

/** Negative, zero or positive as `dpkg --compare-versions a lt|eq|gt b`. */
export function compareDebVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return partCompare(x.upstream, y.upstream) || partCompare(x.revision, y.revision);
}

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * rpm's version segment order (rpmvercmp, as rpm documents it): runs of digits compare as numbers,
 * runs of letters as text, a number beats letters, other characters only separate; `~` sorts
 * before anything (even the end), `^` after the end but before anything else.
 */
export function rpmVerCmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const run = (s: string, k: number) => {
      let e = k;
      while (e < s.length && (numeric ? isDigit(s[e]) : /[A-Za-z]/.test(s[e]))) e++;
      return e;
    };
    const ie = run(a, i);
    const je = run(b, j);
    // a number against letters: the number is newer
    if (je === j) return numeric ? 1 : -1;
    let x = a.slice(i, ie);
    let y = b.slice(j, je);
    if (numeric) {
      x = x.replace(/^0+/, '');
      y = y.replace(/^0+/, '');
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x < y ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Negative, zero or positive as rpm orders two `[epoch:]version[-release]` (its lua rpm.vercmp). */
export function compareRpmVersions(a: string, b: string): number {
  const evr = (v: string) => {
    const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(v)!;
    return { epoch: Number(m[1] ?? 0), version: m[2], release: m[3] ?? '' };
  };
  const x = evr(a);
  const y = evr(b);
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? 1 : -1;
  return rpmVerCmp(x.version, y.version) || rpmVerCmp(x.release, y.release);
}

/** The changes from `before` (the last golden image) to `after` (this one), each list sorted by name. */
type Versioned = Pick<ReportPackage, 'name' | 'version' | 'architecture'>;

export function packageDiff(
  before: Versioned[],
  after: Versioned[],
  format: 'deb' | 'rpm' = 'deb',
): PackageDiff {
  const compare = format === 'rpm' ? compareRpmVersions : compareDebVersions;
  const key = (p: Versioned) => `${p.name}:${p.architecture}`;
  const was = new Map(before.map((p) => [key(p), p]));
  const now = new Map(after.map((p) => [key(p), p]));
  const d: PackageDiff = { added: [], removed: [], upgraded: [], downgraded: [] };
  for (const [k, p] of now) {
    const old = was.get(k);
    if (!old) d.added.push({ name: p.name, architecture: p.architecture, to: p.version });
    else {
      const c = compare(p.version, old.version);
      const change = { name: p.name, architecture: p.architecture, from: old.version, to: p.version };
      if (c > 0) d.upgraded.push(change);
      else if (c < 0) d.downgraded.push(change);
    }
  }
  for (const [k, p] of was)
    if (!now.has(k)) d.removed.push({ name: p.name, architecture: p.architecture, from: p.version });
  const byName = (a: PackageChange, b: PackageChange) =>
    a.name.localeCompare(b.name) || a.architecture.localeCompare(b.architecture);
  for (const list of Object.values(d)) list.sort(byName);
  return d;
}

export const diffSize = (d: PackageDiff): number =>
  d.added.length + d.removed.length + d.upgraded.length + d.downgraded.length;

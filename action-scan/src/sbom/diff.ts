/**
 * What changed in the packages between two images (issue 26): added, removed, upgraded and
 * downgraded, compared as dpkg compares versions. Pure.
 */

/** A package as the JSON report keeps it (its SBOM's fields that a diff needs). */
export interface ReportPackage {
  name: string;
  version: string;
  architecture: string;
  source?: string;
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

/** The changes from `before` (the last golden image) to `after` (this one), each list sorted by name. */
type Versioned = Pick<ReportPackage, 'name' | 'version' | 'architecture'>;

export function packageDiff(before: Versioned[], after: Versioned[]): PackageDiff {
  const key = (p: Versioned) => `${p.name}:${p.architecture}`;
  const was = new Map(before.map((p) => [key(p), p]));
  const now = new Map(after.map((p) => [key(p), p]));
  const d: PackageDiff = { added: [], removed: [], upgraded: [], downgraded: [] };
  for (const [k, p] of now) {
    const old = was.get(k);
    if (!old) d.added.push({ name: p.name, architecture: p.architecture, to: p.version });
    else {
      const c = compareDebVersions(p.version, old.version);
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

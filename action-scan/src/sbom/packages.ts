/**
 * What is installed in an image, from its own package database (issue 26): the dpkg status file
 * (`/var/lib/dpkg/status`), read from a root filesystem or over SSH. Pure: text in, packages out.
 */

export interface InstalledPackage {
  name: string;
  version: string;
  /** dpkg's Architecture: amd64, arm64, all */
  architecture: string;
  /** the source package, when it is not the binary's own name (dpkg's Source field) */
  source?: { name: string; version?: string };
}

/** The packages as the JSON report keeps them: sorted by name and architecture. */
export function reportPackages(packages: InstalledPackage[]): Array<{
  name: string;
  version: string;
  architecture: string;
  source?: string;
}> {
  return packages
    .map((p) => ({
      name: p.name,
      version: p.version,
      architecture: p.architecture,
      ...(p.source ? { source: p.source.name } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.architecture.localeCompare(b.architecture));
}

/** The stanzas of a dpkg status file: fields, continuation lines folded into their field. */
function stanzas(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur = new Map<string, string>();
  let last = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (cur.size) out.push(cur);
      cur = new Map();
      last = '';
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (last) cur.set(last, `${cur.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    cur.set(last, line.slice(colon + 1).trim());
  }
  if (cur.size) out.push(cur);
  return out;
}

/**
 * The packages dpkg has installed (Status `… installed`), as `dpkg-query -W` lists them, in the
 * file's order. Packages removed but with their configuration kept (`config-files`), or half
 * installed, are not installed and are left out.
 */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const s of stanzas(text)) {
    const name = s.get('package');
    const version = s.get('version');
    const state = (s.get('status') ?? '').split(/\s+/)[2];
    if (!name || !version || state !== 'installed') continue;
    const p: InstalledPackage = { name, version, architecture: s.get('architecture') ?? '' };
    const src = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(s.get('source') ?? '');
    if (src && (src[1] !== name || (src[2] && src[2] !== version)))
      p.source = { name: src[1], ...(src[2] ? { version: src[2] } : {}) };
    out.push(p);
  }
  return out;
}

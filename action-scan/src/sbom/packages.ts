/**
 * What is installed in an image, from its own package database (issue 26): the dpkg status file
 * (`/var/lib/dpkg/status`), or the rpm database as `rpm -qa --qf RPM_QUERY_FORMAT` lists it (the
 * host's rpm with `--root` for a root filesystem, the instance's over SSH). Pure: text in, packages out.
 */

export interface InstalledPackage {
  name: string;
  version: string;
  /** dpkg's Architecture: amd64, arm64, all */
  architecture: string;
  /** the source package, when it is not the binary's own name (dpkg's Source field, rpm's SOURCERPM) */
  source?: { name: string; version?: string };
  /** the license the package database records (rpm's LICENSE; dpkg records none) */
  license?: string;
}

/** Which package database an image has: the purl type and the version order follow it. */
export type PackageFormat = 'deb' | 'rpm';

/** One line per package, tab-separated, as parseRpmQuery reads it. */
export const RPM_QUERY_FORMAT =
  '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n';

/**
 * The packages of `rpm -qa --qf RPM_QUERY_FORMAT`, version as rpm writes an EVR: `[epoch:]version-release`
 * (rpm's "(none)" epoch left out). gpg-pubkey entries are keys, not packages, and are left out.
 */
export function parseRpmQuery(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 7) continue;
    const [name, epoch, version, release, arch, sourceRpm, license] = f;
    if (!name || !version || name === 'gpg-pubkey') continue;
    const p: InstalledPackage = {
      name,
      version: `${/^\d+$/.test(epoch) && epoch !== '0' ? `${epoch}:` : ''}${version}${release && release !== '(none)' ? `-${release}` : ''}`,
      architecture: arch === '(none)' ? '' : arch,
    };
    // name-version-release.src.rpm: the name is what is left after the last two dashes
    const src = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm ?? '');
    if (src && src[1] !== name) p.source = { name: src[1] };
    if (license && license !== '(none)') p.license = license;
    out.push(p);
  }
  return out;
}

/** The image's packages and their format, from what the scan read of its package database. */
export function installedPackages(inv: { dpkgStatus?: string; rpmPackages?: string } | undefined): {
  format: PackageFormat;
  packages: InstalledPackage[];
} {
  if (inv?.dpkgStatus !== undefined) return { format: 'deb', packages: parseDpkgStatus(inv.dpkgStatus) };
  if (inv?.rpmPackages !== undefined) return { format: 'rpm', packages: parseRpmQuery(inv.rpmPackages) };
  return { format: 'deb', packages: [] };
}

/** The packages as the JSON report keeps them: sorted by name and architecture. */
export function reportPackages(packages: InstalledPackage[]): Array<{
  name: string;
  version: string;
  architecture: string;
  source?: string;
  license?: string;
}> {
  return packages
    .map((p) => ({
      name: p.name,
      version: p.version,
      architecture: p.architecture,
      ...(p.source ? { source: p.source.name } : {}),
      ...(p.license ? { license: p.license } : {}),
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

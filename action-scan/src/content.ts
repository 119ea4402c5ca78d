/**
 * Which SCAP content to evaluate: the data stream (a path, or `auto` from the target's os-release)
 * and the profile (short `cis_level1_server` or a full XCCDF id). `content-version` downloads a
 * ComplianceAsCode release (newest content, e.g. Ubuntu 24.04 CIS) with @actions/tool-cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../shared/src/errors.js';

export const SYSTEM_CONTENT_DIRS = [
  '/usr/share/xml/scap/ssg/content',
  '/usr/share/scap-security-guide',
  '/usr/share/xml/scap/ssg',
];

export interface OsRelease {
  id: string;
  versionId: string;
  prettyName?: string;
}

export function parseOsRelease(text: string): OsRelease | undefined {
  const kv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) kv.set(m[1], m[2].replace(/^["']|["']$/g, ''));
  }
  const id = kv.get('ID');
  if (!id) return undefined;
  return { id, versionId: kv.get('VERSION_ID') ?? '', prettyName: kv.get('PRETTY_NAME') };
}

/** ComplianceAsCode product name for an os-release: ubuntu 22.04 → ubuntu2204, rhel 9.3 → rhel9. */
export function ssgProduct(os: OsRelease): string {
  const v = os.versionId;
  const major = v.split('.')[0];
  switch (os.id) {
    case 'ubuntu':
      return `ubuntu${v.replace('.', '')}`;
    case 'rhel':
    case 'centos':
    case 'rocky':
    case 'almalinux':
    case 'ol':
      return `${os.id === 'centos' ? 'cs' : os.id === 'rocky' || os.id === 'almalinux' ? 'rhel' : os.id}${major}`;
    case 'amzn':
      return major === '2' ? 'amzn2' : `al${major}`;
    case 'sles':
    case 'sle':
      return `sle${major}`;
    default:
      return `${os.id}${major}`;
  }
}

export function findDatastream(os: OsRelease, dirs: readonly string[]): string | undefined {
  const name = `ssg-${ssgProduct(os)}-ds.xml`;
  for (const d of dirs) {
    const p = path.join(d, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

export function resolveDatastreamForOs(os: OsRelease, dirs: readonly string[]): string {
  const ds = findDatastream(os, dirs);
  if (!ds) {
    throw new InputError(
      'datastream',
      `no SCAP content for ${os.prettyName ?? `${os.id} ${os.versionId}`} (looked for ssg-${ssgProduct(os)}-ds.xml in ${dirs.join(', ')}).`,
      'set content-version (e.g. 0.1.76) to download the ComplianceAsCode release, or give the data stream path.',
    );
  }
  return ds;
}

export function normaliseProfile(profile: string): string {
  if (!profile) throw new InputError('profile', 'is empty.', 'e.g. profile: cis_level1_server');
  if (/^xccdf_/.test(profile)) return profile;
  if (!/^[A-Za-z0-9_.-]+$/.test(profile)) {
    throw new InputError(
      'profile',
      `"${profile}" is not a profile name.`,
      'e.g. cis_level1_server, or a full xccdf_..._profile_... id.',
    );
  }
  return `xccdf_org.ssgproject.content_profile_${profile}`;
}

/** A profile id without its `xccdf_<namespace>_profile_` prefix (a short name as it is). */
export const shortProfile = (id: string): string => id.replace(/^xccdf_[^_]+_profile_/, '');

/** Profiles a data stream offers (ids), read with a light scan of the file's text. */
export function listProfiles(datastream: string): string[] {
  const text = fs.readFileSync(datastream, 'utf8');
  const ids = new Set<string>();
  for (const m of text.matchAll(/<(?:[\w.-]+:)?Profile\b[^>]*\bid="([^"]+)"/g)) ids.add(m[1]);
  return [...ids];
}

export function checkProfile(datastream: string, profile: string): void {
  const profiles = listProfiles(datastream);
  if (profiles.length && !profiles.includes(profile)) {
    const short = profiles.map((p) => p.replace(/^xccdf_org\.ssgproject\.content_profile_/, ''));
    throw new InputError(
      'profile',
      `"${profile}" is not in ${path.basename(datastream)}.`,
      `use one of: ${short.join(', ')}.`,
    );
  }
}

/** Download ComplianceAsCode content of a version (tool-cache), returning the directory of data streams. */
export async function downloadContent(version: string): Promise<string> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new InputError('content-version', `"${version}" is not a ComplianceAsCode version.`, 'e.g. 0.1.76');
  }
  const tc = await import('@actions/tool-cache');
  const cached = tc.find('complianceascode', version);
  if (cached) return findDsDir(cached);
  const url = `https://github.com/ComplianceAsCode/content/releases/download/v${version}/scap-security-guide-${version}.zip`;
  let zip: string;
  try {
    zip = await tc.downloadTool(url);
  } catch (e) {
    throw new InputError(
      'content-version',
      `could not download ComplianceAsCode ${version} from ${url}: ${(e as Error).message}.`,
      'check the version exists on the ComplianceAsCode releases page, or install ssg content and leave content-version empty.',
    );
  }
  const dir = await tc.extractZip(zip);
  const cachedDir = await tc.cacheDir(dir, 'complianceascode', version);
  return findDsDir(cachedDir);
}

function findDsDir(root: string): string {
  const stack = [root];
  while (stack.length) {
    const d = stack.pop()!;
    const entries = fs.readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && /^ssg-.*-ds\.xml$/.test(e.name))) return d;
    for (const e of entries) if (e.isDirectory()) stack.push(path.join(d, e.name));
  }
  throw new InputError(
    'content-version',
    `no ssg-*-ds.xml data streams in the downloaded release at ${root}.`,
    'pick another version.',
  );
}

/**
 * Amazon Inspector Scan's ScanSbom output in CycloneDX 1.5 (outputFormat CYCLONE_DX_1_5): the SBOM
 * sent, with `vulnerabilities[]` added. Each has its id (CVE-…), `ratings[]` (severity, CVSS score),
 * `affects[].ref` (the components' bom-refs) and the fixed version of each component in the property
 * `amazon:inspector:sbom_scanner:fixed_version:<bom-ref>` (Inspector's CycloneDX namespace, in its
 * user guide). Saved as the CLI writes it (`{"sbom": {...}}`) or as the SBOM alone.
 */
import { PackageURL } from 'packageurl-js';
import { checkSchema } from '../../../shared/src/schema.js';
import schema from '../../data/inspector-scan-results.schema.json' with { type: 'json' };
import { normaliseSeverity, type ResultSet, type Severity } from '../findings.js';
import { toIsoTime, type Vulnerability } from '../vulns.js';
import { FormatError } from './lynis.js';

interface Bom {
  bomFormat: 'CycloneDX';
  metadata?: { component?: { name?: string } };
  components?: Array<{ 'bom-ref'?: string; name?: string; version?: string; purl?: string }>;
  vulnerabilities?: Array<{
    id: string;
    description?: string;
    created?: string;
    ratings?: Array<{ severity?: string; score?: number; method?: string }>;
    affects?: Array<{ ref?: string }>;
    properties?: Array<{ name?: string; value?: string }>;
  }>;
}

export const FIXED_VERSION_PROPERTY = 'amazon:inspector:sbom_scanner:fixed_version:';

export function looksLikeCycloneDx(head: string): boolean {
  return /"bomFormat"\s*:\s*"CycloneDX"/.test(head);
}

/** What a component's purl says of it (pkg:type/ns/name@version?arch=…), parsed by packageurl-js. */
function purlOf(purl: string | undefined): { version?: string; arch?: string } {
  if (!purl) return {};
  try {
    const p = PackageURL.fromString(purl);
    return { version: p.version ?? undefined, arch: p.qualifiers?.arch };
  } catch {
    return {};
  }
}

const RANK: Record<Severity, number> = { unknown: -1, info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** The vulnerabilities of a ScanSbom answer (parsed JSON); `source` names where it came from. */
export function vulnerabilitiesFromBom(doc: unknown, source: string): Vulnerability[] {
  const checked = checkSchema<Bom | { sbom: Bom }>(schema, doc, source);
  const bom = 'sbom' in checked ? checked.sbom : checked;
  const byRef = new Map((bom.components ?? []).map((c) => [c['bom-ref'] ?? '', c]));
  return (bom.vulnerabilities ?? []).map((v) => {
    const fixedOf = new Map(
      (v.properties ?? [])
        .filter((p) => p.name?.startsWith(FIXED_VERSION_PROPERTY) && p.value?.trim())
        .map((p) => [p.name!.slice(FIXED_VERSION_PROPERTY.length), p.value!.trim()]),
    );
    const packages = (v.affects ?? []).map((a) => {
      const c = byRef.get(a.ref ?? '');
      const fixed = fixedOf.get(a.ref ?? '');
      const purl = purlOf(c?.purl);
      return {
        name: c?.name ?? a.ref ?? '?',
        // Inspector's own SBOMs (sbomgen) name a component's version in its purl only
        installed: c?.version ?? purl.version ?? '?',
        ...(fixed ? { fixed } : {}),
        ...(purl.arch ? { arch: purl.arch } : {}),
      };
    });
    // the most severe of its ratings; none, or none known, is unknown (it gates as if at the threshold)
    const severity = (v.ratings ?? [])
      .map((r) => normaliseSeverity(r.severity))
      .reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), 'unknown');
    // the CVSS ratings only: Inspector adds an EPSS rating (method "other", a probability 0–1)
    const scores = (v.ratings ?? [])
      .filter((r) => /^CVSS/i.test(r.method ?? ''))
      .map((r) => r.score)
      .filter((n): n is number => typeof n === 'number');
    const firstObserved = toIsoTime(v.created);
    return {
      id: v.id,
      severity,
      title: `${v.id}${packages.length ? ` - ${packages.map((p) => p.name).join(', ')}` : ''}`,
      ...(scores.length ? { cvss: Math.max(...scores) } : {}),
      packages,
      fixable: packages.some((p) => p.fixed),
      status: 'active' as const,
      ...(firstObserved ? { firstObserved } : {}),
      source,
    };
  });
}

export function parseInspectorScanJson(text: string, source: string): ResultSet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new FormatError(`${source} is not valid JSON`);
  }
  const bom = (doc as { sbom?: Bom })?.sbom ?? (doc as Bom);
  if (bom && typeof bom === 'object' && !Array.isArray((bom as Bom).vulnerabilities))
    throw new FormatError(
      `${source} is a CycloneDX SBOM with no "vulnerabilities": an SBOM, not a vulnerability scan of one (give Inspector Scan's ScanSbom output, outputFormat CYCLONE_DX_1_5)`,
    );
  let vulnerabilities: Vulnerability[];
  try {
    vulnerabilities = vulnerabilitiesFromBom(doc, source);
  } catch (e) {
    throw new FormatError((e as Error).message);
  }
  return {
    engine: 'inspector2',
    source,
    profile: 'inspector-scan sbom',
    target: (bom as Bom).metadata?.component?.name,
    findings: [],
    vulnerabilities,
  };
}

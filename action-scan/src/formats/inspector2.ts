/**
 * AWS Inspector2 output saved as JSON (e.g. `aws inspector2 … --output json > file`):
 * - CIS scans: GetCisScanResultDetails (`scanResultDetails[]`: checkId, title, status
 *   PASSED | FAILED | SKIPPED, level, statusReason, remediation). CIS IDs are the leading
 *   recommendation number of checkId or title ("5.2.6 Ensure …").
 * - Vulnerabilities: ListFindings (`findings[]`: findingArn, type, severity, status ACTIVE |
 *   CLOSED | SUPPRESSED, fixAvailable, packageVulnerabilityDetails). These are vulnerabilities
 *   (vulns.ts), never findings: a CVE has no control, no marker and no place in the CIS score.
 */

import { checkSchema } from '../../../shared/src/schema.js';
import schema from '../../data/inspector2-results.schema.json' with { type: 'json' };
import type { Finding, ResultSet, Severity, Status } from '../findings.js';
import { toIsoTime, type Vulnerability } from '../vulns.js';
import { FormatError } from './lynis.js';

interface CisDetail {
  checkId?: string;
  title?: string;
  status?: string;
  statusReason?: string;
  remediation?: string;
  level?: string;
  targetResourceId?: string;
  platform?: string;
}

interface VulnerablePackage {
  name?: string;
  version?: string;
  release?: string;
  epoch?: number;
  arch?: string;
  fixedInVersion?: string;
}
/** One ListFindings finding, as saved JSON has it (the SDK's Finding has Dates where JSON has numbers). */
export interface InspectorFinding {
  findingArn?: string;
  type?: string;
  title?: string;
  severity?: string;
  status?: string;
  description?: string;
  fixAvailable?: string;
  inspectorScore?: number;
  firstObservedAt?: number | string | Date;
  remediation?: { recommendation?: { text?: string } };
  resources?: Array<{ id?: string; type?: string }>;
  packageVulnerabilityDetails?: {
    vulnerabilityId?: string;
    cvss?: Array<{ baseScore?: number; version?: string; source?: string }>;
    vulnerablePackages?: VulnerablePackage[];
  };
}

const SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  INFORMATIONAL: 'info',
  UNTRIAGED: 'unknown',
};

/** "5.2.6", from "5.2.6 Ensure …", "xccdf_org.cisecurity.benchmarks_rule_5.2.6_Ensure…" or "5.2.6". */
export function cisIdFromCheck(...candidates: Array<string | undefined>): string[] {
  for (const c of candidates) {
    const m = /(?:^|[\s_])(\d+(?:\.\d+)+)(?=$|[\s_:])/.exec(c ?? '');
    if (m) return [m[1]];
  }
  return [];
}

export function looksLikeInspector2(head: string): boolean {
  return /"scanResultDetails"\s*:|"findingArn"\s*:\s*"arn:aws[\w-]*:inspector2:/.test(head);
}

export function parseInspector2Json(text: string, source: string): ResultSet {
  let doc: { scanResultDetails?: CisDetail[]; findings?: InspectorFinding[] };
  try {
    doc = JSON.parse(text);
  } catch {
    // V8's message quotes the file's text: say where it is, not what it holds
    throw new FormatError(`${source} is not valid JSON`);
  }
  try {
    checkSchema(schema, doc, `${source}`);
  } catch (e) {
    throw new FormatError((e as Error).message);
  }
  if (Array.isArray(doc?.scanResultDetails)) return fromCis(doc.scanResultDetails, source);
  if (Array.isArray(doc?.findings)) return fromFindings(doc.findings, source);
  throw new FormatError(
    `${source}: JSON without "scanResultDetails" or "findings"; not Inspector2 GetCisScanResultDetails or ListFindings output`,
  );
}

function fromCis(details: CisDetail[], source: string): ResultSet {
  const status: Record<string, Status> = { PASSED: 'pass', FAILED: 'fail', SKIPPED: 'notchecked' };
  const findings: Finding[] = details.map((d) => {
    const f: Finding = {
      engine: 'inspector2',
      ruleId: d.checkId ?? d.title ?? '',
      title: (d.title ?? d.checkId ?? '').replace(/^\d+(\.\d+)+\s+/, ''),
      // Inspector CIS checks carry a level, not a severity
      severity: 'unknown',
      status: status[d.status ?? ''] ?? 'unknown',
      cisIds: cisIdFromCheck(d.checkId, d.title),
    };
    if (f.status === 'fail') {
      if (d.remediation) f.expected = d.remediation.replace(/\s+/g, ' ').trim().slice(0, 500);
      if (d.statusReason) f.found = d.statusReason.replace(/\s+/g, ' ').trim().slice(0, 500);
    }
    return f;
  });
  const first = details[0];
  return {
    engine: 'inspector2',
    source,
    profile: first?.level
      ? `inspector2 CIS ${first.level.toLowerCase().replace('_', ' ')}`
      : 'inspector2 CIS',
    target: [first?.targetResourceId, first?.platform].filter(Boolean).join(' ') || undefined,
    findings,
  };
}

const VULN_STATUS: Record<string, Vulnerability['status']> = {
  ACTIVE: 'active',
  CLOSED: 'closed',
  SUPPRESSED: 'suppressed',
};

const noFix = (v: string | undefined) => !v || /^notavailable$/i.test(v.trim());

/** The installed version as dpkg/rpm write it: [epoch:]version[-release]. */
const installedOf = (p: VulnerablePackage) =>
  `${p.epoch ? `${p.epoch}:` : ''}${p.version ?? '?'}${p.release ? `-${p.release}` : ''}`;

/**
 * One Inspector finding as a vulnerability. An unknown status is active and an unknown severity is
 * `unknown` (it gates as if at the threshold): nothing Inspector says is read as harmless by default.
 */
export function vulnerabilityOf(x: InspectorFinding, source: string): Vulnerability {
  const d = x.packageVulnerabilityDetails;
  const pkgs = (d?.vulnerablePackages ?? []).map((p) => ({
    name: p.name ?? '?',
    installed: installedOf(p),
    ...(noFix(p.fixedInVersion) ? {} : { fixed: p.fixedInVersion!.trim() }),
    ...(p.arch ? { arch: p.arch } : {}),
  }));
  const scores = (d?.cvss ?? []).map((c) => c.baseScore).filter((n): n is number => typeof n === 'number');
  const cvss = scores.length ? Math.max(...scores) : x.inspectorScore;
  const firstObserved = toIsoTime(x.firstObservedAt);
  return {
    id: d?.vulnerabilityId ?? x.title?.replace(/ - .*$/, '') ?? x.findingArn ?? '?',
    severity: SEVERITY[x.severity ?? ''] ?? 'unknown',
    title: x.title ?? d?.vulnerabilityId ?? '',
    ...(cvss !== undefined ? { cvss } : {}),
    packages: pkgs,
    // fixAvailable (YES | PARTIAL | NO) where Inspector says it; else whether a package has a fix
    fixable: x.fixAvailable ? /^(yes|partial)$/i.test(x.fixAvailable) : pkgs.some((p) => p.fixed),
    status: VULN_STATUS[x.status ?? ''] ?? 'active',
    ...(firstObserved ? { firstObserved } : {}),
    source,
  };
}

/** ListFindings: every finding is a vulnerability, never a control; the CIS findings stay empty. */
function fromFindings(list: InspectorFinding[], source: string): ResultSet {
  const resources = [...new Set(list.flatMap((x) => (x.resources ?? []).map((r) => r.id ?? '')))];
  return {
    engine: 'inspector2',
    source,
    profile: 'inspector2 findings',
    target: resources.filter(Boolean).join(' ') || undefined,
    findings: [],
    vulnerabilities: list.map((x) => vulnerabilityOf(x, source)),
  };
}

/**
 * AWS Inspector2 output saved as JSON (e.g. `aws inspector2 … --output json > file`):
 * - CIS scans: GetCisScanResultDetails (`scanResultDetails[]`: checkId, title, status
 *   PASSED | FAILED | SKIPPED, level, statusReason, remediation). CIS IDs are the leading
 *   recommendation number of checkId or title ("5.2.6 Ensure …").
 * - Vulnerabilities: ListFindings (`findings[]`: findingArn, type, severity, status ACTIVE |
 *   CLOSED | SUPPRESSED, packageVulnerabilityDetails). A vulnerability has no CIS ID; its rule id
 *   is the CVE (or the finding title).
 */

import { checkSchema } from '../../../shared/src/schema.js';
import schema from '../../data/inspector2-results.schema.json' with { type: 'json' };
import type { Finding, ResultSet, Severity, Status } from '../findings.js';
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
  fixedInVersion?: string;
}
interface InspectorFinding {
  findingArn?: string;
  type?: string;
  title?: string;
  severity?: string;
  status?: string;
  description?: string;
  remediation?: { recommendation?: { text?: string } };
  resources?: Array<{ id?: string; type?: string }>;
  packageVulnerabilityDetails?: { vulnerabilityId?: string; vulnerablePackages?: VulnerablePackage[] };
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

function fromFindings(list: InspectorFinding[], source: string): ResultSet {
  const status: Record<string, Status> = { ACTIVE: 'fail', CLOSED: 'pass', SUPPRESSED: 'notapplicable' };
  const findings: Finding[] = list.map((x) => {
    const pkgs = x.packageVulnerabilityDetails?.vulnerablePackages ?? [];
    const f: Finding = {
      engine: 'inspector2',
      ruleId: x.packageVulnerabilityDetails?.vulnerabilityId ?? x.title ?? x.findingArn ?? '',
      title: x.title ?? x.packageVulnerabilityDetails?.vulnerabilityId ?? '',
      severity: SEVERITY[x.severity ?? ''] ?? 'unknown',
      status: status[x.status ?? ''] ?? 'unknown',
      cisIds: [],
    };
    if (f.status === 'fail') {
      const fixed = pkgs.filter((p) => p.fixedInVersion && p.fixedInVersion !== 'NotAvailable');
      f.expected = fixed.length
        ? fixed.map((p) => `${p.name} ≥ ${p.fixedInVersion}`).join(', ')
        : (x.remediation?.recommendation?.text ?? 'no vulnerable package');
      f.found = pkgs.length
        ? pkgs.map((p) => `${p.name} ${p.version}`).join(', ')
        : (x.resources ?? []).map((r) => r.id).join(', ');
    }
    return f;
  });
  const resources = [...new Set(list.flatMap((x) => (x.resources ?? []).map((r) => r.id ?? '')))];
  return {
    engine: 'inspector2',
    source,
    profile: 'inspector2 findings',
    target: resources.filter(Boolean).join(' ') || undefined,
    findings,
  };
}

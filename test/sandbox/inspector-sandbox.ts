/**
 * Amazon Inspector in the sandbox (restJson1, as the API references have it):
 *   - Inspector Scan `POST /scan/sbom` (ScanSbom): takes a CycloneDX 1.5 SBOM of at most 5,000
 *     components and answers it back with `vulnerabilities[]` from a table the test owns (package,
 *     affected below a fixed version → CVE, severity, CVSS). Versions are compared by the real
 *     `dpkg --compare-versions`, never by the code under test;
 *   - Inspector2 `POST /coverage/list` (ListCoverage) and `POST /findings/list` (ListFindings), paged
 *     by maxResults/nextToken, with instances the test covers (scanned after a delay) and findings it
 *     puts, filtered by resourceType and ec2InstanceImageId.
 */
import { execFileSync } from 'node:child_process';
import type * as http from 'node:http';
import { SandboxError } from './query.js';

export interface VulnEntry {
  /** the package name (a CycloneDX component's name) */
  package: string;
  /** affected below this version (dpkg order); undefined: every version, no fix yet */
  fixed?: string;
  id: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none' | 'unknown';
  score?: number;
}

export interface CoveredInstance {
  instanceId: string;
  amiId: string;
  accountId: string;
  region: string;
  /** Inspector has scanned it from this time on (ms since the epoch) */
  scannedAt: number;
  /** ListCoverage answers that show it pending before it is scanned (then scannedAt is that moment) */
  pendingLooks?: number;
  /** Inspector cannot scan it, and says why (ListCoverage's INACTIVE reason, e.g. UNMANAGED_EC2_INSTANCE) */
  inactive?: string;
}

const FIXED = 'amazon:inspector:sbom_scanner:fixed_version:';

const lessThan = (a: string, b: string) => {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'lt', b], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export class InspectorSandbox {
  /** the vulnerability table ScanSbom answers from */
  vulnTable: VulnEntry[] = [];
  readonly covered: CoveredInstance[] = [];
  /** findings by account/region, as ListFindings returns them (epoch-second timestamps) */
  readonly findings: Array<{
    accountId: string;
    region: string;
    amiId: string;
    finding: Record<string, unknown>;
  }> = [];
  /** the SBOMs ScanSbom was sent, as parsed */
  readonly sboms: unknown[] = [];

  /**
   * Covers an instance: scanned after `afterMs`, or after `pendingLooks` ListCoverage answers have
   * shown it pending (what a test of the wait needs: it does not depend on how fast the caller starts).
   */
  cover(c: Omit<CoveredInstance, 'scannedAt'> & { afterMs?: number }): void {
    const { afterMs, ...rest } = c;
    this.covered.push({
      ...rest,
      scannedAt: c.pendingLooks ? Number.POSITIVE_INFINITY : Date.now() + (afterMs ?? 0),
    });
  }

  putFinding(accountId: string, region: string, amiId: string, finding: Record<string, unknown>): void {
    this.findings.push({ accountId, region, amiId, finding });
  }

  /** Handles one request of service inspector2 or inspector-scan; returns the action's name. */
  handle(
    service: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    ctx: { accountId: string; region: string },
  ): string {
    const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    const action =
      service === 'inspector-scan' && route === 'POST /scan/sbom'
        ? 'ScanSbom'
        : service === 'inspector2' && route === 'POST /findings/list'
          ? 'ListFindings'
          : service === 'inspector2' && route === 'POST /coverage/list'
            ? 'ListCoverage'
            : '';
    if (!action)
      throw new SandboxError('UnknownOperationException', `${service} ${route} is not in the sandbox`, 404);
    let input: Record<string, unknown>;
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      throw new SandboxError('ValidationException', 'the body is not JSON', 400);
    }
    const out =
      action === 'ScanSbom'
        ? this.scanSbom(input)
        : action === 'ListCoverage'
          ? this.listCoverage(input, ctx)
          : this.listFindings(input, ctx);
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(out));
    return action;
  }

  private scanSbom(input: Record<string, unknown>): Record<string, unknown> {
    const sbom = input.sbom as {
      bomFormat?: string;
      specVersion?: string;
      components?: Array<{ 'bom-ref'?: string; name?: string; version?: string }>;
    };
    if (!sbom || sbom.bomFormat !== 'CycloneDX' || sbom.specVersion !== '1.5')
      throw new SandboxError('ValidationException', 'Invalid SBOM: expected CycloneDX 1.5', 400);
    if ((sbom.components?.length ?? 0) > 5000)
      throw new SandboxError('ValidationException', 'SBOM exceeds 5000 components', 400);
    if (
      input.outputFormat !== undefined &&
      input.outputFormat !== 'CYCLONE_DX_1_5' &&
      input.outputFormat !== 'INSPECTOR'
    )
      throw new SandboxError('ValidationException', 'Invalid outputFormat', 400);
    this.sboms.push(sbom);
    const vulnerabilities: Array<Record<string, unknown>> = [];
    for (const e of this.vulnTable) {
      const hit = (sbom.components ?? []).filter(
        (c) => c.name === e.package && c.version && (e.fixed === undefined || lessThan(c.version, e.fixed)),
      );
      if (!hit.length) continue;
      vulnerabilities.push({
        'bom-ref': `vuln-${vulnerabilities.length + 1}`,
        id: e.id,
        ratings: [
          { severity: e.severity, ...(e.score !== undefined ? { score: e.score, method: 'CVSSv31' } : {}) },
        ],
        affects: hit.map((c) => ({ ref: c['bom-ref'] })),
        properties: e.fixed ? hit.map((c) => ({ name: `${FIXED}${c['bom-ref']}`, value: e.fixed })) : [],
        created: '2024-07-01T00:00:00Z',
      });
    }
    return { sbom: { ...sbom, vulnerabilities } };
  }

  private page<T>(all: T[], input: Record<string, unknown>, key: string): Record<string, unknown> {
    const start = Number(input.nextToken ?? 0) || 0;
    const max = Math.min(Number(input.maxResults ?? 100) || 100, 100);
    const slice = all.slice(start, start + max);
    return { [key]: slice, ...(start + max < all.length ? { nextToken: String(start + max) } : {}) };
  }

  private listCoverage(input: Record<string, unknown>, ctx: { accountId: string; region: string }) {
    const types = (
      (input.filterCriteria as { resourceType?: Array<{ value: string }> })?.resourceType ?? []
    ).map((f) => f.value);
    const now = Date.now();
    const seen = this.covered
      .filter((c) => c.accountId === ctx.accountId && c.region === ctx.region)
      .filter(() => !types.length || types.includes('AWS_EC2_INSTANCE'));
    for (const c of seen)
      if (c.pendingLooks !== undefined && c.pendingLooks-- <= 0 && c.scannedAt > now) c.scannedAt = now;
    const rows = seen.map((c) => ({
      accountId: c.accountId,
      resourceId: c.instanceId,
      resourceType: 'AWS_EC2_INSTANCE',
      scanType: 'PACKAGE',
      scanStatus: c.inactive
        ? { statusCode: 'INACTIVE', reason: c.inactive }
        : now >= c.scannedAt
          ? { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' }
          : { statusCode: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' },
      resourceMetadata: { ec2: { amiId: c.amiId, platform: 'LINUX' } },
      ...(!c.inactive && now >= c.scannedAt ? { lastScannedAt: Math.floor(c.scannedAt / 1000) } : {}),
    }));
    return this.page(rows, input, 'coveredResources');
  }

  private listFindings(input: Record<string, unknown>, ctx: { accountId: string; region: string }) {
    const amis = (
      (input.filterCriteria as { ec2InstanceImageId?: Array<{ value: string }> })?.ec2InstanceImageId ?? []
    ).map((f) => f.value);
    const rows = this.findings
      .filter((f) => f.accountId === ctx.accountId && f.region === ctx.region)
      .filter((f) => !amis.length || amis.includes(f.amiId))
      .map((f) => f.finding);
    return this.page(rows, input, 'findings');
  }
}

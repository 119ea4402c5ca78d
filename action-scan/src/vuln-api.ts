/**
 * Amazon Inspector's APIs, the I/O half of the vulnerability sources (input vulnerabilities):
 *   - Inspector Scan ScanSbom: the image's SBOM (CycloneDX 1.5) in, vulnerabilities out, with no
 *     managed scan. The SDK has no client for it here (no @aws-sdk/client-inspector-scan in the
 *     registry this project uses), so it is one REST call signed with the SDK's own SigV4 signer,
 *     sent with its HTTP handler and retried by its standard retry strategy;
 *   - Inspector2 ListFindings for the AMI (@aws-sdk/client-inspector2, its paginator), after
 *     ListCoverage shows Inspector has scanned an instance of it: findings of an image it never
 *     looked at are no evidence, so no coverage within the timeout fails closed.
 * Endpoints follow the SDK's AWS_ENDPOINT_URL_INSPECTOR_SCAN / AWS_ENDPOINT_URL_INSPECTOR2 / AWS_ENDPOINT_URL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import {
  isServerError,
  isThrottlingError,
  isTransientError,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { EnvironmentError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import type { ResultSet } from './findings.js';
import { vulnerabilitiesFromBom } from './formats/inspector-scan.js';
import { type InspectorFinding, vulnerabilityOf } from './formats/inspector2.js';
import { InspectorError } from './vulns.js';

/** What ScanSbom takes (Inspector Scan API reference, and ../shared/NOTES.md): at most 5,000 components. */
export const SCAN_SBOM_MAX_COMPONENTS = 5000;

/** Foreign text from an AWS error, for a log line: one line, cut, no control characters. */
const said = (s: unknown) =>
  String(s ?? '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .slice(0, 300);

function scanEndpoint(env: NodeJS.ProcessEnv, region: string): URL {
  const given = env.AWS_ENDPOINT_URL_INSPECTOR_SCAN || env.AWS_ENDPOINT_URL;
  return new URL(given || `https://inspector-scan.${region}.amazonaws.com`);
}

/** The SBOM sent to ScanSbom, checked before the call: CycloneDX JSON within Inspector's limit. */
export function checkSbomForScan(json: string): { components: number } {
  const doc = JSON.parse(json) as { bomFormat?: string; specVersion?: string; components?: unknown[] };
  if (doc.bomFormat !== 'CycloneDX' || doc.specVersion !== '1.5')
    throw new InspectorError('inspector-scan: ScanSbom takes a CycloneDX 1.5 SBOM; this one is not.');
  const components = doc.components?.length ?? 0;
  if (components > SCAN_SBOM_MAX_COMPONENTS)
    throw new InspectorError(
      `inspector-scan: the image's SBOM lists ${components} components; ScanSbom takes at most ${SCAN_SBOM_MAX_COMPONENTS}. Use inspector2 (ListFindings of a scanned test instance) instead.`,
    );
  return { components };
}

async function readBody(body: unknown): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer | string>)
    chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** ScanSbom of the image's SBOM: one result set of its vulnerabilities. */
export async function scanSbom(
  io: Io,
  sbomJson: string,
  region: string,
  signal?: AbortSignal,
): Promise<ResultSet> {
  const { components } = checkSbomForScan(sbomJson);
  const url = scanEndpoint(io.env, region);
  const body = JSON.stringify({ sbom: JSON.parse(sbomJson), outputFormat: 'CYCLONE_DX_1_5' });
  const signer = new SignatureV4({
    credentials: defaultProvider(),
    region,
    service: 'inspector-scan',
    sha256: Sha256,
  });
  const handler = new NodeHttpHandler({ requestTimeout: 120_000, connectionTimeout: 10_000 });
  const retry = new StandardRetryStrategy(3);
  let token = await retry.acquireInitialRetryToken('inspector-scan');
  const source = 'inspector-scan ScanSbom';
  io.info(`Inspector Scan: sending the image's SBOM (${components} components) to ScanSbom in ${region}`);
  try {
    for (;;) {
      const request = new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: `${url.pathname.replace(/\/$/, '')}/scan/sbom`,
        headers: { 'content-type': 'application/json', host: url.host },
        body,
      });
      let status = 0;
      let text = '';
      let errorType = '';
      let failure: unknown;
      try {
        const signed = await signer.sign(request);
        const { response } = await handler.handle(signed as HttpRequest, { abortSignal: signal });
        status = response.statusCode;
        text = await readBody(response.body);
        errorType = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0];
      } catch (e) {
        if (signal?.aborted) throw e;
        status = -1;
        text = (e as Error).message;
        failure = e;
      }
      if (status === 200) {
        const set = {
          engine: 'inspector2' as const,
          source,
          profile: 'inspector-scan sbom',
          findings: [],
          vulnerabilities: vulnerabilitiesFromBom(JSON.parse(text), source),
        };
        retry.recordSuccess(token);
        io.info(`Inspector Scan: ${set.vulnerabilities.length} vulnerability(ies) in the image's SBOM`);
        return set;
      }
      const message = (() => {
        try {
          return said((JSON.parse(text) as { message?: string }).message ?? text);
        } catch {
          return said(text);
        }
      })();
      // the SDK's own classification of what is worth retrying (its retry middleware's)
      const error = (failure ?? {
        name: errorType,
        message,
        $metadata: { httpStatusCode: status },
      }) as Parameters<typeof isThrottlingError>[0];
      const kind = isThrottlingError(error)
        ? 'THROTTLING'
        : isTransientError(error)
          ? 'TRANSIENT'
          : isServerError(error)
            ? 'SERVER_ERROR'
            : undefined;
      if (!kind)
        throw new InspectorError(
          `inspector-scan: ScanSbom refused the SBOM (HTTP ${status}${errorType ? ` ${said(errorType)}` : ''}): ${message}`,
        );
      try {
        token = await retry.refreshRetryTokenForRetry(token, { errorType: kind });
      } catch {
        throw new InspectorError(
          `inspector-scan: ScanSbom failed after retries (${status === -1 ? 'no answer' : `HTTP ${status}`}): ${message}`,
        );
      }
      io.info(
        `Inspector Scan: ${kind.toLowerCase()} (${status === -1 ? message : `HTTP ${status}`}); retrying in ${token.getRetryDelay()} ms`,
      );
      await sleep(token.getRetryDelay(), undefined, { signal });
    }
  } finally {
    handler.destroy();
  }
}

type Inspector2 = import('@aws-sdk/client-inspector2').Inspector2Client;

/**
 * Waits until Inspector has scanned an EC2 instance of the AMI (ListCoverage: ACTIVE, with a last
 * scan time), polling with backoff until `timeoutMs`. An instance Inspector says it cannot scan
 * (INACTIVE: unmanaged, no inventory, …) ends the wait at once, with its reason.
 */
export async function waitForCoverage(
  io: Io,
  client: Inspector2,
  amiId: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const { paginateListCoverage } = await import('@aws-sdk/client-inspector2');
  const deadline = Date.now() + timeoutMs;
  let wait = 1000;
  for (;;) {
    const covered = [];
    for await (const page of paginateListCoverage(
      { client, pageSize: 200 },
      { filterCriteria: { resourceType: [{ comparison: 'EQUALS', value: 'AWS_EC2_INSTANCE' }] } },
    ))
      covered.push(...(page.coveredResources ?? []));
    const ofAmi = covered.filter((r) => r.resourceMetadata?.ec2?.amiId === amiId);
    const scanned = ofAmi.filter((r) => r.scanStatus?.statusCode === 'ACTIVE' && r.lastScannedAt);
    if (scanned.length) {
      io.info(
        `Inspector2: ${scanned.length} instance(s) of ${amiId} scanned (${scanned.map((r) => said(r.resourceId)).join(', ')}; last at ${scanned
          .map((r) => r.lastScannedAt!.toISOString())
          .sort()
          .at(-1)})`,
      );
      return;
    }
    const state = (r: (typeof ofAmi)[number]) =>
      `${said(r.resourceId)}: ${said(r.scanStatus?.statusCode)} ${said(r.scanStatus?.reason)}`.trim();
    const inactive = ofAmi.filter((r) => r.scanStatus?.statusCode === 'INACTIVE');
    if (inactive.length && inactive.length === ofAmi.length)
      throw new InspectorError(
        `inspector2: Inspector cannot scan the instance(s) of ${amiId} (${inactive.map(state).join('; ')}). Nothing it says covers the image, so nothing is passed: check Inspector's EC2 scanning and that the test instance is managed by SSM.`,
      );
    const why = ofAmi.length ? ofAmi.map(state).join('; ') : `no instance of ${amiId} is covered yet`;
    if (Date.now() + wait > deadline)
      throw new InspectorError(
        `inspector2: Inspector has not scanned an instance of ${amiId} within ${Math.round(timeoutMs / 60_000)} min (${why}). Its findings would say nothing of the image, so nothing is passed: check that Inspector's EC2 scanning is on and the test instance is managed by SSM.`,
      );
    io.info(`Inspector2: waiting for coverage (${why}); again in ${Math.round(wait / 1000)} s`);
    await sleep(wait, undefined, { signal });
    wait = Math.min(wait * 2, 30_000);
  }
}

/** Every finding (any status) of EC2 instances of the AMI, through the SDK's paginator. */
export async function listFindingsOfAmi(
  client: Inspector2,
  amiId: string,
  signal?: AbortSignal,
): Promise<ResultSet> {
  const { paginateListFindings } = await import('@aws-sdk/client-inspector2');
  const source = 'inspector2 ListFindings';
  const list: InspectorFinding[] = [];
  for await (const page of paginateListFindings(
    { client, pageSize: 100 },
    { filterCriteria: { ec2InstanceImageId: [{ comparison: 'EQUALS', value: amiId }] } },
  )) {
    if (signal?.aborted) throw new EnvironmentError('inspector2: cancelled');
    list.push(...((page.findings ?? []) as unknown as InspectorFinding[]));
  }
  return {
    engine: 'inspector2',
    source,
    profile: 'inspector2 findings',
    findings: [],
    vulnerabilities: list.map((x) => vulnerabilityOf(x, source)),
    target: amiId,
  };
}

/** Inspector2's findings for the AMI, once its coverage shows an instance of it scanned. */
export async function inspectorFindings(
  io: Io,
  amiId: string,
  region: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ResultSet> {
  const { Inspector2Client } = await import('@aws-sdk/client-inspector2');
  const client = new Inspector2Client({ region });
  try {
    await waitForCoverage(io, client, amiId, timeoutMs, signal);
    const set = await listFindingsOfAmi(client, amiId, signal);
    io.info(`Inspector2: ${set.vulnerabilities!.length} finding(s) for instances of ${amiId}`);
    return set;
  } catch (e) {
    if (e instanceof InspectorError || signal?.aborted) throw e;
    const err = e as { name?: string; message?: string };
    throw new InspectorError(`inspector2: ${said(err.name)}: ${said(err.message)}`);
  } finally {
    client.destroy();
  }
}

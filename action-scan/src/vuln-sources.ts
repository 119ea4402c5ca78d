/**
 * Where the scan's CVEs come from (input vulnerabilities): saved Inspector JSON in the repository,
 * and Inspector's APIs (vuln-api.ts). Each source is one result set of vulnerabilities only.
 */
import * as path from 'node:path';
import { InputError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import type { ScanConfig, ScanSubject } from './config.js';
import type { ResultSet } from './findings.js';
import { parseResultsFile } from './formats/index.js';
import type { ImageSbom } from './sbom/write.js';
import { InspectorError } from './vulns.js';

/** The saved files: each must hold vulnerabilities (ListFindings or ScanSbom output), not controls. */
export async function readVulnerabilityFiles(io: Io, cfg: ScanConfig): Promise<ResultSet[]> {
  const sets: ResultSet[] = [];
  for (const f of cfg.vulnerabilities.files) {
    const rs = await parseResultsFile(path.join(cfg.root, f), { inputName: 'vulnerabilities' });
    if (!rs.vulnerabilities)
      throw new InputError(
        'vulnerabilities',
        `"${f}" holds ${rs.engine} compliance results, not vulnerabilities.`,
        'give it in results; vulnerabilities takes Inspector2 ListFindings or Inspector Scan ScanSbom output.',
      );
    io.info(`${f}: ${rs.vulnerabilities.length} vulnerability finding(s) (${rs.profile})`);
    sets.push({ ...rs, source: f, vulnerabilities: rs.vulnerabilities.map((v) => ({ ...v, source: f })) });
  }
  return sets;
}

/**
 * The API sources, once the image has been read: ScanSbom of its SBOM, ListFindings of its AMI.
 * What each needs was checked with the inputs (config.ts), before anything ran.
 */
export async function readVulnerabilityApis(
  io: Io,
  cfg: ScanConfig,
  subject: ScanSubject,
  sbom: ImageSbom,
  signal?: AbortSignal,
): Promise<ResultSet[]> {
  const sets: ResultSet[] = [];
  const { scanSbom, inspectorFindings } = await import('./vuln-api.js');
  if (cfg.vulnerabilities.scanSbom) {
    if ('none' in sbom)
      throw new InspectorError(
        `inspector-scan: no SBOM to send: ${sbom.none}. Nothing was scanned, so nothing is passed.`,
      );
    sets.push(
      await io.group('Inspector Scan (ScanSbom)', () =>
        scanSbom(io, sbom.json, subject.region ?? cfg.awsRegion!, signal),
      ),
    );
  }
  if (cfg.vulnerabilities.findings)
    sets.push(
      await io.group('Inspector2 findings', () =>
        inspectorFindings(io, subject.amiId!, subject.region ?? cfg.awsRegion!, cfg.timeoutMs, signal),
      ),
    );
  return sets;
}

/**
 * sbom-file: the image's SBOM written next to the reports, from the package database the scan read
 * from the image itself (engine.ts's inventory). Says plainly when there is none to write.
 */
import { createHash } from 'node:crypto';
import type { Io } from '../../../shared/src/io.js';
import { writeOutputFile } from '../../../shared/src/outputs.js';
import { VERSION } from '../../../shared/src/version.js';
import type { ScanConfig } from '../config.js';
import { parseOsRelease } from '../content.js';
import type { Inventory } from '../engine.js';
import type { Provenance } from '../report/html.js';
import { buildSbom } from './cyclonedx.js';
import { parseDpkgStatus } from './packages.js';

export interface WrittenSbom {
  file: string;
  sha256: string;
  packages: number;
}

export function writeSbom(
  io: Io,
  cfg: ScanConfig,
  inventory: Inventory | undefined,
  provenance: Provenance,
): WrittenSbom | undefined {
  if (!cfg.sbomFile) return undefined;
  if (!inventory) {
    io.info(`No SBOM: target ${cfg.target.kind} reads result files, not an image.`);
    return undefined;
  }
  const packages = inventory.dpkgStatus ? parseDpkgStatus(inventory.dpkgStatus) : [];
  if (!packages.length) {
    io.warning(
      `No SBOM written: the image has ${inventory.dpkgStatus === undefined ? 'no dpkg database (/var/lib/dpkg/status)' : 'a dpkg database listing no installed package'}. Only dpkg images are read so far (not rpm).`,
    );
    return undefined;
  }
  const os = parseOsRelease(inventory.osRelease);
  const json = buildSbom(packages, {
    osId: os?.id || 'unknown',
    osVersion: os?.versionId ?? '',
    osName: os?.prettyName,
    amiId: provenance.amiId,
    architecture: provenance.architecture,
    commit: provenance.commit,
    toolVersion: VERSION,
    timestamp: new Date(),
  });
  writeOutputFile(cfg.sbomFile, json);
  const sha256 = createHash('sha256').update(json).digest('hex');
  io.info(
    `SBOM: ${packages.length} installed package(s), CycloneDX 1.5, at ${cfg.sbomFile} (sha256 ${sha256.slice(0, 12)})`,
  );
  return { file: cfg.sbomFile, sha256, packages: packages.length };
}

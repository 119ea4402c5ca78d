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
import { installedPackages } from './packages.js';

export interface WrittenSbom {
  file: string;
  sha256: string;
  packages: number;
}

/** The image's SBOM, built once: what is written to sbom-file and what is sent to ScanSbom are one text. */
export type ImageSbom = { json: string; sha256: string; packages: number } | { none: string };

/** The SBOM of the packages the scan read from the image, or why there is none. */
export function imageSbom(inventory: Inventory | undefined, provenance: Provenance): ImageSbom {
  if (!inventory) return { none: 'the target reads result files, not an image' };
  const { format, packages } = installedPackages(inventory);
  if (!packages.length)
    return {
      none:
        inventory.rpmProblem ??
        (inventory.dpkgStatus !== undefined
          ? 'the image has a dpkg database listing no installed package'
          : inventory.rpmPackages !== undefined
            ? 'the image has an rpm database listing no installed package'
            : 'the image has no package database (neither /var/lib/dpkg/status nor /var/lib/rpm)'),
    };
  const os = parseOsRelease(inventory.osRelease);
  const json = buildSbom(packages, {
    format,
    osId: os?.id || 'unknown',
    osVersion: os?.versionId ?? '',
    osName: os?.prettyName,
    amiId: provenance.amiId,
    architecture: provenance.architecture,
    commit: provenance.commit,
    toolVersion: VERSION,
    timestamp: new Date(),
  });
  return { json, sha256: createHash('sha256').update(json).digest('hex'), packages: packages.length };
}

export function writeSbom(io: Io, cfg: ScanConfig, sbom: ImageSbom): WrittenSbom | undefined {
  if (!cfg.sbomFile) return undefined;
  if ('none' in sbom) {
    if (cfg.target.kind === 'results')
      io.info(`No SBOM: target ${cfg.target.kind} reads result files, not an image.`);
    else io.warning(`No SBOM written: ${sbom.none}.`);
    return undefined;
  }
  writeOutputFile(cfg.sbomFile, sbom.json);
  io.info(
    `SBOM: ${sbom.packages} installed package(s), CycloneDX 1.5, at ${cfg.sbomFile} (sha256 ${sbom.sha256.slice(0, 12)})`,
  );
  return { file: cfg.sbomFile, sha256: sbom.sha256, packages: sbom.packages };
}

/**
 * The image's SBOM (issue 26): CycloneDX 1.5 JSON, made with CycloneDX's own library. One
 * component per installed package, with its purl (`pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-11`,
 * `pkg:rpm/amzn/openssl-libs@3.0.8-1.amzn2023.0.14?arch=x86_64&epoch=1&distro=amzn-2023`) and its license where the database records one,
 * the metadata naming the image (AMI id, architecture, operating system) and the commit. Pure: the
 * packages and what is known of the image in, the JSON text out.
 */
import * as cdx from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import spdxParse from 'spdx-expression-parse';
import type { InstalledPackage, PackageFormat } from './packages.js';

const { LicenseFactory } = cdx.Contrib.License.Factories;

export interface ImageFacts {
  /** the image's package database: the purl type */
  format?: PackageFormat;
  /** os-release ID and VERSION_ID: the purl's namespace and distro */
  osId: string;
  osVersion: string;
  osName?: string;
  amiId?: string;
  /** EC2's architecture of the AMI (x86_64, arm64) */
  architecture?: string;
  commit?: string;
  toolVersion: string;
  /** ISO time of the scan */
  timestamp: Date;
}

/** The purl of a Debian-family package, as the purl spec's deb type has it (vendor namespace, arch and distro qualifiers). */
export function debPurl(p: InstalledPackage, osId: string, osVersion: string): string {
  const qualifiers: Record<string, string> = { arch: p.architecture };
  if (osVersion) qualifiers.distro = `${osId}-${osVersion}`;
  if (p.source)
    qualifiers.upstream = p.source.version ? `${p.source.name}@${p.source.version}` : p.source.name;
  return new PackageURL('deb', osId, p.name, p.version, qualifiers, undefined).toString();
}

/**
 * The purl of an rpm package, as the purl spec's rpm type has it: the vendor namespace (os-release
 * ID), version-release as the version, the epoch and arch as qualifiers.
 */
export function rpmPurl(p: InstalledPackage, osId: string, osVersion: string): string {
  const m = /^(?:(\d+):)?(.*)$/.exec(p.version)!;
  const qualifiers: Record<string, string> = { arch: p.architecture };
  if (m[1]) qualifiers.epoch = m[1];
  if (osVersion) qualifiers.distro = `${osId}-${osVersion}`;
  if (p.source) qualifiers.upstream = p.source.name;
  return new PackageURL('rpm', osId, p.name, m[2], qualifiers, undefined).toString();
}

export function buildSbom(packages: InstalledPackage[], image: ImageFacts): string {
  const licenses = new LicenseFactory(spdxParse);
  const bom = new cdx.Models.Bom();
  bom.metadata.timestamp = image.timestamp;
  bom.metadata.tools.components.add(
    new cdx.Models.Component(cdx.Enums.ComponentType.Application, 'ami-bakery', {
      version: image.toolVersion,
    }),
  );
  const subject = new cdx.Models.Component(
    cdx.Enums.ComponentType.OperatingSystem,
    image.osName || image.osId,
    { version: image.osVersion, bomRef: image.amiId ?? 'image' },
  );
  const props: Array<[string, string | undefined]> = [
    ['ami-bakery:ami-id', image.amiId],
    ['ami-bakery:arch', image.architecture],
    ['ami-bakery:commit', image.commit],
  ];
  for (const [k, v] of props) if (v) subject.properties.add(new cdx.Models.Property(k, v));
  bom.metadata.component = subject;
  for (const p of packages) {
    const purl = (image.format === 'rpm' ? rpmPurl : debPurl)(p, image.osId, image.osVersion);
    const c = new cdx.Models.Component(cdx.Enums.ComponentType.Library, p.name, {
      version: p.version,
      bomRef: purl,
    });
    c.purl = purl;
    // the database's own words: an SPDX id where it is one, else the text as a named license
    if (p.license) c.licenses.add(licenses.makeFromString(p.license));
    if (p.source) c.properties.add(new cdx.Models.Property('ami-bakery:source-package', p.source.name));
    c.properties.add(new cdx.Models.Property('ami-bakery:package-arch', p.architecture));
    bom.components.add(c);
  }
  const serializer = new cdx.Serialize.JsonSerializer(
    new cdx.Serialize.JSON.Normalize.Factory(cdx.Spec.Spec1dot5),
  );
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}

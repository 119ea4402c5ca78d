import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  parseSourceAmiInput,
  provisionerPaths,
  sourceSpecOf,
  sourceSpecsOf,
  whatChanged,
} from '../../action-bake/src/fingerprint.js';
import { notReusable } from '../../action-bake/src/unchanged.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = fs.readFileSync(
  path.join(ROOT, 'examples/ubuntu-22.04-cis/ubuntu-22.04-cis.pkr.hcl'),
  'utf8',
);

describe('source AMI of a template', () => {
  it('the example’s source_ami_filters, one per architecture: filters and owners, as Packer’s most_recent looks them up', () => {
    const spec = (arch: string, name: string) => ({
      kind: 'filter',
      filters: {
        name: `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-${name}-server-*`,
        architecture: arch,
        'root-device-type': 'ebs',
        'virtualization-type': 'hvm',
      },
      owners: ['099720109477'],
      from: 'template source_ami_filter',
    });
    expect(sourceSpecsOf('hcl', [EXAMPLE], new Map())).toEqual([
      { build: 'amazon-ebs.ubuntu', spec: spec('x86_64', 'amd64') },
      { build: 'amazon-ebs.ubuntu-arm64', spec: spec('arm64', 'arm64') },
    ]);
    expect(sourceSpecOf('hcl', [EXAMPLE], new Map())).toEqual(spec('x86_64', 'amd64'));
  });

  it('source_ami as a literal, a variable (default or vars), resolve:ssm; JSON builders too', () => {
    const hcl =
      'variable "base" {\n  default = "ami-0aaaaaaaaaaaaaaaa"\n}\nsource "amazon-ebs" "x" {\n  source_ami = var.base\n}\n';
    expect(sourceSpecOf('hcl', [hcl], new Map([['base', 'ami-0bbbbbbbbbbbbbbbb']]))).toMatchObject({
      kind: 'id',
      id: 'ami-0bbbbbbbbbbbbbbbb',
    });
    expect(
      sourceSpecOf(
        'hcl',
        ['source "amazon-ebs" "x" {\n  source_ami = "resolve:ssm:/aws/service/x/ami-id"\n}\n'],
        new Map(),
      ),
    ).toMatchObject({ kind: 'ssm', name: '/aws/service/x/ami-id' });
    const json = JSON.stringify({
      builders: [
        { type: 'amazon-ebs', source_ami_filter: { filters: { name: '{{user `n`}}' }, owners: ['self'] } },
      ],
    });
    expect(sourceSpecOf('json', [json], new Map([['n', 'debian-12-*']]))).toMatchObject({
      kind: 'filter',
      filters: { name: 'debian-12-*' },
      owners: ['self'],
    });
    expect(
      sourceSpecOf('hcl', ['source "null" "x" {\n  communicator = "none"\n}\n'], new Map()),
    ).toBeUndefined();
  });

  it('input source-ami: an AMI id or ssm:<name>; anything else is not one', () => {
    expect(parseSourceAmiInput('ami-0123456789abcdef0')).toMatchObject({ kind: 'id' });
    expect(
      parseSourceAmiInput(
        'ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id',
      ),
    ).toMatchObject({
      kind: 'ssm',
      name: '/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id',
    });
    expect(parseSourceAmiInput('ubuntu-latest')).toBeUndefined();
    expect(parseSourceAmiInput('')).toBeUndefined();
    // SSM names need no leading slash (issue 22: 24)
    expect(parseSourceAmiInput('ssm:my-base-ami')).toMatchObject({ kind: 'ssm', name: 'my-base-ami' });
    expect(parseSourceAmiInput('ssm:')).toBeUndefined();
    expect(parseSourceAmiInput('ssm:../x')).toBeUndefined();
  });
});

describe('fingerprint', () => {
  const base = {
    sourceAmi: 'ami-0aaaaaaaaaaaaaaaa',
    packerVersion: '1.6.6',
    vars: [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ],
    only: [],
    except: [],
    files: new Map([
      ['packer/t.pkr.hcl', 'h1'],
      ['hardening/x.sh', 'h2'],
    ]),
  };
  it('does not depend on the order of files or vars; any input changes it', () => {
    const fp = fingerprintOf(base);
    expect(
      fingerprintOf({ ...base, vars: [...base.vars].reverse(), files: new Map([...base.files].reverse()) }),
    ).toBe(fp);
    expect(fingerprintOf({ ...base, sourceAmi: 'ami-0cccccccccccccccc' })).not.toBe(fp);
    expect(fingerprintOf({ ...base, packerVersion: '1.11.2' })).not.toBe(fp);
    expect(fingerprintOf({ ...base, files: new Map([...base.files, ['hardening/x.sh', 'h3']]) })).not.toBe(
      fp,
    );
    expect(fingerprintOf({ ...base, only: ['amazon-ebs.ubuntu'] })).not.toBe(fp);
  });

  it('provisioner files: script, scripts, source, with ${path.root} made the template’s directory', () => {
    const t =
      'provisioner "shell" {\n  scripts = ["${path.root}/scripts/a.sh", "scripts/b.sh"]\n}\nprovisioner "file" {\n  source = "files/motd"\n  destination = "/etc/motd"\n}\nprovisioner "shell-local" {\n  script = "x.sh"\n}\n';
    expect(provisionerPaths([t], 'packer').sort()).toEqual([
      'files/motd',
      'packer/scripts/a.sh',
      'scripts/b.sh',
      'x.sh',
    ]);
  });

  it('says what changed since the newest golden image', () => {
    expect(whatChanged(undefined, { sourceAmi: 'a', packerVersion: '1' }, [])).toEqual([
      'no golden image of this template yet',
    ]);
    expect(
      whatChanged(
        { imageId: 'ami-1', sourceAmi: 'ami-0old', packerVersion: '1.6.6', fingerprint: 'f' },
        { sourceAmi: 'ami-0new', packerVersion: '1.11.2' },
        ['hardening/x.sh'],
      ),
    ).toEqual([
      'new base AMI ami-0new (was ami-0old)',
      'Packer 1.11.2 (was 1.6.6)',
      'changed file(s): hardening/x.sh',
    ]);
  });
});

describe('skip-unchanged reuses only a golden image still fit to use (issue 22: 8)', () => {
  const img = (tags: Record<string, string>, extra: Record<string, string> = {}) => ({
    ImageId: 'ami-0123456789abcdef0',
    Tags: Object.entries({ 'ami-bakery:status': 'golden', 'ami-bakery:scan': 'passed', ...tags }).map(
      ([Key, Value]) => ({ Key, Value }),
    ),
    ...extra,
  });
  const now = new Date('2026-12-01T00:00:00Z');
  it.each([
    [{ 'ami-bakery:vulnerable': 'true' }, {}, /marked it vulnerable/],
    [{ 'ami-bakery:scan': 'failed' }, {}, /its scan is failed/],
    [{ 'ami-bakery:status': 'quarantined' }, {}, /it is quarantined, not golden/],
    [{}, { DeprecationTime: '2026-11-30T00:00:00.000Z' }, /deprecated since 2026-11-30/],
  ])('%j %j', (tags, extra, why) => {
    expect(notReusable(img(tags, extra), now)).toMatch(why);
  });
  it('a golden, passed image deprecated only in the future is reusable', () => {
    expect(notReusable(img({}, { DeprecationTime: '2027-06-01T00:00:00.000Z' }), now)).toBeUndefined();
  });
});

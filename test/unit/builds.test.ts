/**
 * A bake's images per build and architecture (issue 25): the x86_64 and arm64 builds of one
 * template, in one region, both reach the outputs; what an output cannot say is said.
 */
import { describe, expect, it } from 'vitest';
import {
  amisByBuild,
  bakeOutputs,
  isBuildOf,
  selectBuilds,
  sourceAmiOfLine,
} from '../../action-bake/src/builds.js';
import { fingerprintOf, sourceSpecsOf } from '../../action-bake/src/fingerprint.js';

// the shape of a two-architecture template: one source per architecture, each with its own filter
const TWO_ARCH = `
source "amazon-ebs" "ubuntu-x86_64" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  source_ami_filter {
    filters = {
      name         = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
      architecture = "x86_64"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

source "amazon-ebs" "ubuntu-arm64" {
  region        = "us-east-1"
  instance_type = "t4g.micro"
  source_ami_filter {
    filters = {
      name         = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-*"
      architecture = var.arm_arch
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

source "amazon-ebs" "pinned" {
  source_ami = "ami-0aaaaaaaaaaaaaaaa"
}

build {
  sources = ["source.amazon-ebs.ubuntu-x86_64", "source.amazon-ebs.ubuntu-arm64", "source.amazon-ebs.pinned"]
}
`;

describe('each build’s base image', () => {
  it('reads one spec per source block, in template order, variables resolved', () => {
    const specs = sourceSpecsOf('hcl', [TWO_ARCH], new Map([['arm_arch', 'arm64']]));
    expect(specs.map((s) => s.build)).toEqual([
      'amazon-ebs.ubuntu-x86_64',
      'amazon-ebs.ubuntu-arm64',
      'amazon-ebs.pinned',
    ]);
    expect(specs[0].spec).toMatchObject({ kind: 'filter', filters: { architecture: 'x86_64' } });
    expect(specs[1].spec).toMatchObject({
      kind: 'filter',
      filters: { name: expect.stringContaining('arm64'), architecture: 'arm64' },
    });
    expect(specs[2].spec).toEqual({ kind: 'id', id: 'ami-0aaaaaaaaaaaaaaaa', from: 'template source_ami' });
  });

  it('JSON builders: by name, else by type', () => {
    const json = JSON.stringify({
      builders: [
        { type: 'amazon-ebs', name: 'arm', source_ami: 'ami-0bbbbbbbbbbbbbbbb' },
        { type: 'null', communicator: 'none' },
      ],
    });
    expect(sourceSpecsOf('json', [json], new Map())).toEqual([
      { build: 'arm', spec: { kind: 'id', id: 'ami-0bbbbbbbbbbbbbbbb', from: 'template source_ami' } },
      { build: 'null', spec: undefined },
    ]);
  });

  it('a build’s fingerprint differs from its sibling’s with the same inputs; a single build’s is as before', () => {
    const base = {
      sourceAmi: 'ami-0aaaaaaaaaaaaaaaa',
      packerVersion: '1.6.6',
      vars: [],
      only: [],
      except: [],
      files: new Map([['t.pkr.hcl', 'h']]),
    };
    expect(fingerprintOf({ ...base, build: 'amazon-ebs.a' })).not.toBe(
      fingerprintOf({ ...base, build: 'amazon-ebs.b' }),
    );
    expect(fingerprintOf({ ...base, build: undefined })).toBe(fingerprintOf(base));
  });
});

describe('Packer’s name for a build and its source', () => {
  it.each([
    ['amazon-ebs.ubuntu', 'amazon-ebs.ubuntu', true],
    // a named build block (build { name = "web" }) prefixes its builds
    ['web.amazon-ebs.ubuntu', 'amazon-ebs.ubuntu', true],
    ['amazon-ebs.ubuntu-arm64', 'amazon-ebs.ubuntu', false],
    ['web.amazon-ebs.ubuntu', 'ebs.ubuntu', false],
    ['amazon-ebs.ubuntu', 'web.amazon-ebs.ubuntu', false],
  ])('%s is a build of %s: %s', (packer, source, is) => {
    expect(isBuildOf(packer, source)).toBe(is);
  });
});

describe('builds chosen by -only / -except', () => {
  const names = ['amazon-ebs.ubuntu-x86_64', 'amazon-ebs.ubuntu-arm64', 'null.test'];
  it.each([
    [[], [], names],
    [['amazon-ebs.*'], [], names.slice(0, 2)],
    [[], ['*arm64'], ['amazon-ebs.ubuntu-x86_64', 'null.test']],
    [['amazon-ebs.*'], ['*x86_64'], ['amazon-ebs.ubuntu-arm64']],
    [['nothing'], [], []],
  ])('only %j except %j', (only, except, want) => {
    expect(selectBuilds(names, only, except)).toEqual(want);
  });
});

describe('Packer’s artifacts and log, per build', () => {
  it('keeps two builds’ AMIs in the same region apart', () => {
    const byBuild = amisByBuild([
      { build: 'amazon-ebs.ubuntu-x86_64', index: 0, id: 'us-east-1:ami-0111111111111111a', files: [] },
      {
        build: 'amazon-ebs.ubuntu-arm64',
        index: 0,
        id: 'us-east-1:ami-0222222222222222b,eu-west-1:ami-0333333333333333c',
        files: [],
      },
      { build: 'null.test', index: 0, id: 'null', files: [] },
    ]);
    expect(Object.fromEntries(byBuild)).toEqual({
      'amazon-ebs.ubuntu-x86_64': { 'us-east-1': 'ami-0111111111111111a' },
      'amazon-ebs.ubuntu-arm64': {
        'us-east-1': 'ami-0222222222222222b',
        'eu-west-1': 'ami-0333333333333333c',
      },
    });
  });

  it.each([
    ['    amazon-ebs.ubuntu-arm64: Found Image ID: ami-0e2c8caa4b6378d8c', 'amazon-ebs.ubuntu-arm64'],
    ['==> arm: Found Image ID: ami-0e2c8caa4b6378d8c', 'arm'],
  ])('the base image each build found: %s', (line, build) => {
    expect(sourceAmiOfLine(line)).toEqual({ build, ami: 'ami-0e2c8caa4b6378d8c' });
  });

  it('ignores lines that only look alike', () => {
    expect(sourceAmiOfLine('    amazon-ebs.x: Found Image ID: ami-zz')).toBeUndefined();
    expect(sourceAmiOfLine('Found Image ID: ami-0e2c8caa4b6378d8c')).toBeUndefined();
  });
});

describe('bake outputs for several builds', () => {
  const x86 = {
    build: 'amazon-ebs.ubuntu-x86_64',
    architecture: 'x86_64',
    amis: { 'us-east-1': 'ami-01', 'eu-west-1': 'ami-02' },
  };
  const arm = {
    build: 'amazon-ebs.ubuntu-arm64',
    architecture: 'arm64',
    amis: { 'us-east-1': 'ami-03', 'eu-west-1': 'ami-04' },
  };

  it('one build: amis by region and ami-id as always, plus its architecture', () => {
    const o = bakeOutputs([x86], 'us-east-1');
    expect(o).toMatchObject({
      amiId: 'ami-01',
      amis: { 'us-east-1': 'ami-01', 'eu-west-1': 'ami-02' },
      byArch: { x86_64: 'ami-01' },
      architectures: ['x86_64'],
      problems: [],
    });
    expect(bakeOutputs([x86], 'eu-west-1').amiId).toBe('ami-02');
  });

  it('x86_64 and arm64 in the same regions: both by build and by architecture, amis (by region) refused loudly', () => {
    const o = bakeOutputs([x86, arm], 'us-east-1');
    expect(o.builds).toEqual({
      'amazon-ebs.ubuntu-x86_64': { architecture: 'x86_64', 'ami-id': 'ami-01', amis: x86.amis },
      'amazon-ebs.ubuntu-arm64': { architecture: 'arm64', 'ami-id': 'ami-03', amis: arm.amis },
    });
    expect(o.byArch).toEqual({ x86_64: 'ami-01', arm64: 'ami-03' });
    expect(o.architectures).toEqual(['arm64', 'x86_64']);
    expect(o.amis).toBeUndefined();
    expect(o.problems).toEqual([expect.stringMatching(/more than one build made an AMI in us-east-1/)]);
    // the first build by name: arm64 sorts first
    expect(o.amiId).toBe('ami-03');
  });

  it('two builds of one architecture: no ami-id-<arch> for it, said', () => {
    const other = { ...x86, build: 'amazon-ebs.ubuntu-24', amis: { 'ap-south-1': 'ami-05' } };
    const o = bakeOutputs([x86, other], 'us-east-1');
    expect(o.byArch).toEqual({});
    expect(o.problems).toEqual([
      expect.stringMatching(/ami-id-x86_64 is not set: builds .* are both x86_64/),
    ]);
    // different regions: amis by region still holds both
    expect(o.amis).toEqual({ 'us-east-1': 'ami-01', 'eu-west-1': 'ami-02', 'ap-south-1': 'ami-05' });
  });

  it('an architecture EC2 did not give: said, never guessed', () => {
    const o = bakeOutputs([x86, { ...arm, architecture: undefined }], 'us-east-1');
    expect(o.byArch).toEqual({ x86_64: 'ami-01' });
    expect(o.problems.join('\n')).toMatch(/architecture of amazon-ebs.ubuntu-arm64 could not be read/);
  });

  it('no AMI at all (the null builder): empty outputs', () => {
    expect(bakeOutputs([], undefined)).toMatchObject({
      amiId: '',
      amis: {},
      builds: {},
      byArch: {},
      problems: [],
    });
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceAmiOfLine } from '../action-bake/src/builds.js';
import {
  ArtifactCollector,
  amisFromArtifactId,
  parseMachineLine,
  stepOf,
} from '../action-bake/src/machine-readable.js';
import { analyseFailure } from '../action-bake/src/packer-failure.js';
import { buildChangeMap } from '../shared/src/cis-map.js';
import { InputError } from '../shared/src/errors.js';
import { parseToolVersion, versionSatisfies } from '../shared/src/hashicorp.js';
import { parseVars } from '../shared/src/vars.js';
import { FIXTURES } from './helpers.js';

describe('machine-readable output', () => {
  it('parses an amazon-ebs build with several ami_regions into region → AMI', () => {
    const lines = fs
      .readFileSync(path.join(FIXTURES, 'packer', 'amazon-ebs-multi-region.machine-readable.txt'), 'utf8')
      .split('\n');
    const c = new ArtifactCollector();
    let source: string | undefined;
    for (const raw of lines) {
      const l = parseMachineLine(raw);
      if (!l) continue;
      c.add(l);
      if (l.type === 'ui') source ??= sourceAmiOfLine(l.data[1] ?? '')?.ami;
    }
    expect(c.artifacts).toHaveLength(1);
    expect(c.artifacts[0]).toMatchObject({ build: 'amazon-ebs.ubuntu', builderId: 'mitchellh.amazonebs' });
    expect(amisFromArtifactId(c.artifacts[0].id)).toEqual({
      'us-east-1': 'ami-0a1b2c3d4e5f60718',
      'eu-west-1': 'ami-0123456789abcdef0',
      'ap-southeast-2': 'ami-0f1e2d3c4b5a69788',
    });
    expect(source).toBe('ami-0e2c8caa4b6378d8c');
  });

  it('unescapes commas and newlines in data', () => {
    expect(parseMachineLine('1,,ui,message,    null.img: yo%!(PACKER_COMMA) world')?.data).toEqual([
      'message',
      '    null.img: yo, world',
    ]);
    expect(parseMachineLine('1,,ui,say,\\n==> Wait completed')?.data[1]).toBe('\n==> Wait completed');
    expect(parseMachineLine('not machine readable')).toBeUndefined();
  });

  it('recognises the steps that open a log group', () => {
    expect(stepOf('==> amazon-ebs.ubuntu: Provisioning with shell script: scripts/20-ssh.sh')).toMatchObject({
      build: 'amazon-ebs.ubuntu',
      script: 'scripts/20-ssh.sh',
    });
    expect(stepOf('==> null.img: Running local shell script: /tmp/packer-shell1')?.script).toBe(
      '/tmp/packer-shell1',
    );
    expect(stepOf('    null.img: hello')).toBeUndefined();
  });
});

describe('failure analysis', () => {
  const map = buildChangeMap([
    {
      file: 'packer/scripts/ssh.sh',
      text: '#!/bin/bash\n# CIS 5.2.4\necho a\n# CIS 5.2.6\nfoo\necho b\n# CIS 5.2.9\n',
    },
  ]);
  const ui = (text: string, kind = 'say') => ({ kind, text });

  it('finds the script, the line the shell reported, and the CIS change above it', () => {
    const f = analyseFailure(
      [
        ui('==> b: Running local shell script: scripts/ssh.sh'),
        ui('    b: ok', 'message'),
        ui('==> b: /work/repo/packer/scripts/ssh.sh: line 5: foo: command not found', 'error'),
        ui('==> b: Provisioning step had errors: Running the cleanup provisioner, if present...'),
        ui('==> b: Running local shell script: /tmp/packer-shell123'),
        ui("Build 'b' errored after 1 second: Script exited with non-zero exit status: 127", 'error'),
      ],
      map,
      (s) => (s.endsWith('scripts/ssh.sh') ? 'packer/scripts/ssh.sh' : undefined),
    );
    expect(f).toMatchObject({ script: 'packer/scripts/ssh.sh', line: 5, cis: { cisId: '5.2.6', line: 4 } });
    expect(f.lastErrors[0]).toBe('/work/repo/packer/scripts/ssh.sh: line 5: foo: command not found');
  });

  it('names the script without a line (or CIS ID) when the shell did not report one', () => {
    const f = analyseFailure(
      [
        ui('==> b: Provisioning with shell script: scripts/ssh.sh'),
        ui("Build 'b' errored after 1 second: Script exited with non-zero exit status: 3", 'error'),
      ],
      map,
      () => 'packer/scripts/ssh.sh',
    );
    expect(f).toMatchObject({ script: 'packer/scripts/ssh.sh', line: undefined, cis: undefined });
  });
});

describe('inputs', () => {
  it('parses vars and rejects a line without =', () => {
    expect(parseVars('region=us-east-1\n# comment\n\nami_name = golden-{{timestamp}}')).toEqual([
      { key: 'region', value: 'us-east-1' },
      { key: 'ami_name', value: 'golden-{{timestamp}}' },
    ]);
    expect(() => parseVars('region=us-east-1\njust-a-word')).toThrow(InputError);
    expect(() => parseVars('region=us-east-1\njust-a-word')).toThrow(/line 2 "just-a-word" is not key=value/);
  });

  it('compares Packer versions', () => {
    expect(parseToolVersion('Packer v1.6.6\n')).toBe('1.6.6');
    expect(parseToolVersion('Terraform v1.11.4\non linux_amd64')).toBe('1.11.4');
    expect(versionSatisfies('1.6.6', '')).toBe(true);
    expect(versionSatisfies('1.6.6', '1.6')).toBe(true);
    expect(versionSatisfies('1.6.6', '1.6.6')).toBe(true);
    expect(versionSatisfies('1.6.6', '1.11')).toBe(false);
    expect(versionSatisfies('1.6.6', '>=1.7.0')).toBe(false);
    expect(versionSatisfies('1.11.2', '>=1.7.0')).toBe(true);
  });
});

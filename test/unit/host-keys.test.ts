/** Host keys from the console (issue 24), in the shape cloud-init prints them; foreign text checked. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleHostKeys, knownHostsLines } from '../../action-verify/src/host-keys.js';
import { tmpDir } from '../helpers.js';

const key = (type: 'ed25519' | 'ecdsa') => {
  const dir = tmpDir('ami-bakery-hk-');
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path.join(dir, 'k')]);
  return fs.readFileSync(path.join(dir, 'k.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
};

describe('host keys from the console output', () => {
  it('reads the keys cloud-init printed, drops comments, refuses what is not a key of its type', () => {
    const ed = key('ed25519');
    const ec = key('ecdsa');
    const wrong = `ssh-rsa ${ed.split(' ')[1]}`; // an ed25519 blob labelled rsa
    const console = [
      '[   12.3] cloud-init[600]: Generating public/private ed25519 key pair.',
      '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
      '256 SHA256:abc root@ip-10-0-0-1 (ED25519)',
      '-----END SSH HOST KEY FINGERPRINTS-----',
      '-----BEGIN SSH HOST KEY KEYS-----',
      `${ec} root@ip-10-0-0-1`,
      `${ed} root@ip-10-0-0-1`,
      wrong,
      'ssh-ed25519 not-base64!!',
      '<script>alert(1)</script>',
      '-----END SSH HOST KEY KEYS-----',
    ].join('\r\n');
    expect(consoleHostKeys(console)).toEqual([ec, ed]);
    expect(knownHostsLines('203.0.113.7', [ed])).toBe(`203.0.113.7 ${ed}`);
  });
  it('no block, no keys', () => {
    expect(consoleHostKeys('login: ')).toEqual([]);
  });
});

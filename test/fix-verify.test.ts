/**
 * Suggested fixes are tried before they are offered (issue 23): each remediation runs in a throwaway
 * overlay of the suite's real root filesystem, the rule is re-evaluated with oscap, and the image's
 * own sshd, started from the copy on loopback, must still accept a key login. A fix that locks users
 * out, or names a PAM module the image lacks, is rejected with its reason; a safe one is kept; and
 * nothing of the copies is left mounted.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../action-scan/src/findings.js';
import { verifyFixes } from '../action-scan/src/fix-verify.js';
import { baseRootfs, tmpDir } from './helpers.js';

const R = 'xccdf_org.ssgproject.content_rule_';
const said: string[] = [];
const io = { info: (m: string) => said.push(m), warning: (m: string) => said.push(`warning: ${m}`) } as never;
const finding = (rule: string, fix: string): Finding =>
  ({
    engine: 'openscap',
    ruleId: R + rule,
    title: rule,
    severity: 'medium',
    status: 'fail',
    cisIds: [],
    fix,
  }) as Finding;

describe('fixes tried in a copy of the image', () => {
  it('keeps a safe fix, rejects one that breaks the login or names what the image lacks, leaves nothing mounted', async () => {
    const root = baseRootfs();
    const before = fs.statSync(`${root}/etc/shadow`).mode & 0o777;
    const work = tmpDir('ami-bakery-fixverify-');
    const safe = finding('file_permissions_etc_shadow', 'chmod 0000 /etc/shadow\n');
    const lockout = finding(
      'file_permissions_etc_shadow',
      "chmod 0000 /etc/shadow\necho 'AllowUsers nobody' >> /etc/ssh/sshd_config\n",
    );
    const pam = finding(
      'file_permissions_etc_shadow',
      "chmod 0000 /etc/shadow\necho 'auth required pam_tally2.so deny=3 onerr=fail' >> /etc/pam.d/common-auth\n",
    );
    const useless = finding('file_permissions_etc_shadow', 'true\n');
    await verifyFixes(io, [safe, lockout, pam, useless], {
      root,
      datastream: '/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml',
      profile: 'xccdf_org.ssgproject.content_profile_cis_level1_server',
      codeText: '',
      workDir: work,
    });
    expect(safe.fixVerdict).toMatchObject({
      verified: true,
      said: expect.stringMatching(/a key login works/),
    });
    expect(lockout.fixVerdict).toEqual({
      verified: false,
      said: "not verified: breaks ssh login: the image's sshd refuses the probe user's key after the fix",
    });
    expect(pam.fixVerdict).toEqual({
      verified: false,
      said: 'not verified: pam_tally2.so is not in this image',
    });
    expect(useless.fixVerdict?.said).toMatch(/^not verified: the control still does not pass after the fix/);
    expect(said.join('\n')).toMatch(/1 of 4 tried verified in a copy of the image/);
    // the image itself is untouched, and no copy stays mounted
    expect(fs.statSync(`${root}/etc/shadow`).mode & 0o777).toBe(before);
    expect(fs.readFileSync(`${root}/etc/ssh/sshd_config`, 'utf8')).not.toContain('AllowUsers nobody');
    expect(execFileSync('mount', { encoding: 'utf8' })).not.toContain(work);
  }, 180_000);

  it("tries fixes together in the script's order: a lockout is split off, and a fix that passed only on a dropped fix's work is not offered", async () => {
    said.length = 0;
    const work = tmpDir('ami-bakery-fixbatch-');
    const shadow = finding('file_permissions_etc_shadow', 'chmod 0000 /etc/shadow\n');
    const lockout = finding(
      'sshd_disable_root_login',
      "echo 'PermitRootLogin no' >> /etc/ssh/sshd_config\necho 'AllowUsers nobody' >> /etc/ssh/sshd_config\n",
    );
    // does its neighbour's work, then fails: it is not offered, so its neighbour may not be either
    const failing = finding('file_owner_etc_gshadow', 'chmod 0000 /etc/gshadow\nexit 1\n');
    const freeRider = finding('file_permissions_etc_gshadow', 'true\n');
    await verifyFixes(io, [freeRider, lockout, shadow, failing], {
      root: baseRootfs(),
      datastream: '/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml',
      profile: 'xccdf_org.ssgproject.content_profile_cis_level1_server',
      codeText: '',
      workDir: work,
    });
    expect(shadow.fixVerdict).toMatchObject({ verified: true });
    expect(lockout.fixVerdict?.said).toMatch(/^not verified: breaks ssh login/);
    expect(failing.fixVerdict?.said).toMatch(/^not verified: the fix exits 1 in a copy of the image/);
    // in the first batch its control passed, on the failing fix's chmod; beside what is offered, it does not
    expect(freeRider.fixVerdict?.said).toMatch(
      /^not verified: the control still does not pass after the fix/,
    );
    // the whole batch, its halves, the lockout's half split again, then the kept two, then the one
    expect(said.join('\n')).toMatch(/1 of 4 tried verified in a copy of the image \(0 not tried; 7 copies/);
    expect(execFileSync('mount', { encoding: 'utf8' })).not.toContain(work);
  }, 180_000);
});

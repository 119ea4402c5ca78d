import { describe, expect, it } from 'vitest';
import type { Finding } from '../../action-scan/src/findings.js';
import { planAnnotations } from '../../action-scan/src/report/annotations.js';
import {
  editedLine,
  oneLineFix,
  planSuggestions,
  suggestionKeyOf,
  wantedValue,
} from '../../action-scan/src/report/suggestions.js';
import { buildChangeMap } from '../../shared/src/cis-map.js';

const GUARDED = `# Remediation is applicable only in certain platforms
if dpkg-query --show --showformat='\${db:Status-Status}\\n' 'login' 2>/dev/null | grep -q installed; then

chmod u-xwrs,g-xwrs,o-xwrt /etc/shadow

else
    >&2 echo 'Remediation is not applicable, nothing was done'
fi`;

const shadow = (over: Partial<Finding> = {}): Finding => ({
  engine: 'openscap',
  ruleId: 'xccdf_org.ssgproject.content_rule_file_permissions_etc_shadow',
  title: 'Verify Permissions on /etc/shadow File',
  severity: 'medium',
  status: 'fail',
  cisIds: ['6.1.4'],
  expected: 'mode 0000',
  found: 'mode 0640',
  fix: GUARDED,
  // tried in a copy of the image (fix-verify.ts): only such a fix is suggested
  fixVerdict: { verified: true, said: 'verified in a copy of the image' },
  ...over,
});

const SCRIPT = [
  '#!/bin/sh', // 1
  '# CIS 6.1.4 Ensure permissions on /etc/shadow are configured', // 2
  'chmod 0640 /etc/shadow', // 3
  '', // 4
  '  chmod 0640 /etc/gshadow  # CIS 6.1.6', // 5
  '', // 6
  '# CIS 6.1.2', // 7
  '', // 8
  '# CIS 6.1.3', // 9
  'chmod 0644 /etc/passwd-', // 10
  'chown root /etc/passwd-', // 11
].join('\n');

const plan = (findings: Finding[], changed: number[], waived = false) => {
  const map = buildChangeMap([{ file: 'hardening/shadow.sh', text: SCRIPT }]);
  const annotations = planAnnotations(findings, map, 'template.pkr.hcl').map((a) =>
    waived ? { ...a, waiver: { reason: 'r', owner: 'o', expires: '2099-01-01', file: 'w.yml', line: 1 } } : a,
  );
  return planSuggestions(
    annotations,
    new Map([['hardening/shadow.sh', SCRIPT]]),
    new Map([['hardening/shadow.sh', new Set(changed)]]),
  );
};

describe('suggested changes (suggest: true)', () => {
  it('takes the one command out of ComplianceAsCode’s platform guard; more than one command is not one line', () => {
    expect(oneLineFix(GUARDED)).toBe('chmod u-xwrs,g-xwrs,o-xwrt /etc/shadow');
    expect(oneLineFix('apt-get install -y aide')).toBe('apt-get install -y aide');
    expect(oneLineFix('a=1\nb=2')).toBeUndefined();
    expect(oneLineFix('cat > /etc/x <<EOF')).toBeUndefined();
    expect(oneLineFix('if true; then')).toBeUndefined();
  });

  it('replaces the block’s one command with the fix, on a line the pull request changed', () => {
    const [s, ...more] = plan([shadow()], [3]);
    expect(more).toEqual([]);
    expect(s).toMatchObject({ file: 'hardening/shadow.sh', line: 3, control: 'CIS 6.1.4' });
    expect(s.replacement).toBe('chmod u-xwrs,g-xwrs,o-xwrt /etc/shadow');
    expect(s.body).toContain('```suggestion\nchmod u-xwrs,g-xwrs,o-xwrt /etc/shadow\n```');
    expect(s.body).toContain('Expected: mode 0000 · Found: mode 0640');
    expect(suggestionKeyOf(s.body)).toBe(s.key);
  });

  it('keeps the indentation and the marker comment of an inline marker', () => {
    const [s] = plan(
      [
        shadow({
          ruleId: 'xccdf_org.ssgproject.content_rule_file_permissions_etc_gshadow',
          cisIds: ['6.1.6'],
          fix: 'chmod u-xwrs,g-xwrs,o-xwrt /etc/gshadow',
        }),
      ],
      [5],
    );
    expect(s).toMatchObject({
      line: 5,
      replacement: '  chmod u-xwrs,g-xwrs,o-xwrt /etc/gshadow  # CIS 6.1.6',
    });
  });

  it('adds the fix under a marker with no command yet', () => {
    const [s] = plan([shadow({ cisIds: ['6.1.2'], fix: 'chmod 0644 /etc/passwd' })], [7]);
    expect(s).toMatchObject({ line: 7, replacement: '# CIS 6.1.2\nchmod 0644 /etc/passwd' });
  });

  it('offers nothing off the diff, for a block of several commands, a waived or not implemented control', () => {
    expect(plan([shadow()], [10])).toEqual([]);
    expect(plan([shadow({ cisIds: ['6.1.3'], fix: 'chmod 0600 /etc/passwd-' })], [9, 10, 11])).toEqual([]);
    expect(plan([shadow()], [3], true)).toEqual([]);
    expect(plan([shadow({ cisIds: ['9.9.9'] })], [1, 2, 3])).toEqual([]);
    expect(plan([shadow({ fix: 'x=1\ny=2' })], [3])).toEqual([]);
  });

  it('offers nothing when the line already is the fix', () => {
    expect(plan([shadow({ fix: 'chmod 0640 /etc/shadow' })], [3])).toEqual([]);
  });

  it('never suggests a fix that was not verified, or was and failed (issue 23)', () => {
    expect(plan([shadow({ fixVerdict: undefined })], [3])).toEqual([]);
    expect(
      plan([shadow({ fixVerdict: { verified: false, said: 'not verified: breaks ssh login' } })], [3]),
    ).toEqual([]);
  });
});

describe('value edits: the block’s line with the value the profile wants (issue 23)', () => {
  const SSH = [
    '#!/bin/sh', // 1
    'set_option() { :; }', // 2
    '# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less', // 3
    'set_option MaxAuthTries 6  # was 4', // 4
    '# CIS 5.2.22 Ensure SSH MaxSessions is limited', // 5
    'set_option MaxSessions 10', // 6
    'set_option MaxStartups 10:30:60', // 7
  ].join('\n');
  // the shape of the real finding: oscap-chroot on a root filesystem whose sshd_config says 6
  const maxAuth = (over: Partial<Finding> = {}): Finding => ({
    engine: 'openscap',
    ruleId: 'xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries',
    title: 'Set SSH authentication attempt limit',
    severity: 'medium',
    status: 'fail',
    cisIds: ['5.2.6'],
    expected: 'maxauthtries is configured (sshd_max_auth_tries_value = 4)',
    found: '/etc/ssh/sshd_config: "MaxAuthTries 6"',
    ...over,
  });
  const planSsh = (findings: Finding[], changed: number[], verdict?: { verified: boolean; said: string }) => {
    const map = buildChangeMap([{ file: 'hardening/ssh.sh', text: SSH }]);
    const annotations = planAnnotations(findings, map, 't.pkr.hcl').map((a) => ({
      ...a,
      editVerdict: verdict,
    }));
    return planSuggestions(
      annotations,
      new Map([['hardening/ssh.sh', SSH]]),
      new Map([['hardening/ssh.sh', new Set(changed)]]),
    );
  };
  const verified = {
    verified: true,
    said: 'verified in a copy of the image: the control passes, a key login works',
  };

  it('reads the wanted value and the setting found from the check', () => {
    const a = planAnnotations([maxAuth()], buildChangeMap([]), 't')[0];
    expect(wantedValue(a.message)).toEqual({ key: 'MaxAuthTries', found: '6', wanted: '4' });
    // two values wanted, two settings found, or the value already right: no edit
    expect(wantedValue('Expected: x (a = 1); y (b = 2)\nFound: "K 3"')).toBeUndefined();
    expect(wantedValue('Expected: x (a = 1)\nFound: "K 3"; "L 3"')).toBeUndefined();
    expect(wantedValue('Expected: x (a = 1)\nFound: "K 1"')).toBeUndefined();
    expect(wantedValue('Expected: x (a = 1)')).toBeUndefined();
  });

  it('changes only the value, keeping the comment; a token that only contains it is not it', () => {
    expect(
      editedLine(['set_option MaxAuthTries 6  # was 4'], [1], {
        key: 'MaxAuthTries',
        found: '6',
        wanted: '4',
      }),
    ).toEqual({
      line: 1,
      replacement: 'set_option MaxAuthTries 4  # was 4',
    });
    expect(
      editedLine(['echo "maxauthtries=6"'], [1], { key: 'MaxAuthTries', found: '6', wanted: '4' })
        ?.replacement,
    ).toBe('echo "maxauthtries=4"');
    expect(
      editedLine(['set_option MaxAuthTries 60'], [1], { key: 'MaxAuthTries', found: '6', wanted: '4' }),
    ).toBeUndefined();
    expect(
      editedLine(['MaxAuthTriesX 6'], [1], { key: 'MaxAuthTries', found: '6', wanted: '4' }),
    ).toBeUndefined();
    // two lines set it: which one is the fix is not one line
    expect(
      editedLine(['a MaxAuthTries 6', 'b MaxAuthTries 6'], [1, 2], {
        key: 'MaxAuthTries',
        found: '6',
        wanted: '4',
      }),
    ).toBeUndefined();
  });

  it('offers the edit on the changed line once it was tried, with the verdict in the body', () => {
    const [s, ...more] = planSsh([maxAuth()], [4], verified);
    expect(more).toEqual([]);
    expect(s).toMatchObject({ kind: 'edit', file: 'hardening/ssh.sh', line: 4, control: 'CIS 5.2.6' });
    expect(s.replacement).toBe('set_option MaxAuthTries 4  # was 4');
    expect(s.editedFile?.split('\n')[3]).toBe('set_option MaxAuthTries 4  # was 4');
    expect(s.editedFile?.split('\n').filter((l, i) => l !== SSH.split('\n')[i])).toHaveLength(1);
    expect(s.body).toContain('The value the profile wants (`MaxAuthTries 4`, not `6`)');
    // what the check found is foreign text: never Markdown in the comment
    expect(s.body).toContain('Found: /etc/ssh/sshd\\_config: "MaxAuthTries 6"');
    expect(s.body).toContain(verified.said);
    expect(s.body).toContain('```suggestion\nset_option MaxAuthTries 4  # was 4\n```');
  });

  it('a finding’s text cannot open a link, an image or a mention in the comment', () => {
    const [s] = planSsh(
      [
        maxAuth({
          found: '/etc/ssh/sshd_config: "MaxAuthTries 6" [x](https://evil.example) ![i](y) @team <b>',
        }),
      ],
      [4],
      verified,
    );
    expect(s.body).toContain('\\[x\\](https://evil.example) \\!\\[i\\](y) @\u200bteam \\<b\\>');
    expect(s.body).not.toContain('[x](https://evil.example)');
  });

  it('is not offered untried, when the try failed, or off the pull request’s lines', () => {
    expect(planSsh([maxAuth()], [4])).toEqual([]);
    expect(planSsh([maxAuth()], [4], { verified: false, said: 'not verified: breaks ssh login' })).toEqual(
      [],
    );
    expect(planSsh([maxAuth()], [6], verified)).toEqual([]);
  });
});

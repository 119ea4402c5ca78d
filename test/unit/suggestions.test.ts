import { describe, expect, it } from 'vitest';
import type { Finding } from '../../action-scan/src/findings.js';
import { planAnnotations } from '../../action-scan/src/report/annotations.js';
import { oneLineFix, planSuggestions, suggestionKeyOf } from '../../action-scan/src/report/suggestions.js';
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

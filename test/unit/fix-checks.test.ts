/** What a remediation names and what it fights (issue 23), read from ComplianceAsCode-shaped bash. */
import { describe, expect, it } from 'vitest';
import { fightsWith, fixNames, missingNames } from '../../action-scan/src/fix-checks.js';

describe('fix names and rivals', () => {
  it('reads PAM modules, packages and services from a remediation', () => {
    const fix = [
      "if dpkg-query --show --showformat='${db:Status-Status}\n' 'linux-base' 2>/dev/null | grep -q installed; then",
      'DEBIAN_FRONTEND=noninteractive apt-get install -y "ntp"',
      "SYSTEMCTL_EXEC='/usr/bin/systemctl'",
      '"$SYSTEMCTL_EXEC" unmask \'ntp.service\'',
      'systemctl enable --now ntp.service',
      "echo 'auth required pam_tally2.so deny=3' >> /etc/pam.d/common-auth",
      'fi',
    ].join('\n');
    expect(fixNames(fix)).toEqual({ pamModules: ['pam_tally2.so'], packages: ['ntp'], services: ['ntp'] });
  });
  it('ntp beside the chrony the code sets up is a fight; on its own it is not', () => {
    const n = fixNames('apt-get install -y ntp\n');
    expect(
      fightsWith(
        n,
        (t) => t === 'chrony',
        () => false,
      ),
    ).toEqual(['ntp beside chrony (the hardening code sets it up)']);
    expect(
      fightsWith(
        n,
        () => false,
        (p) => p === 'systemd-timesyncd',
      ),
    ).toEqual(['ntp beside systemd-timesyncd (installed in the image)']);
    expect(
      fightsWith(
        n,
        () => false,
        () => false,
      ),
    ).toEqual([]);
  });
  it('what the image lacks is said by name', () => {
    const n = fixNames("echo 'auth required pam_faillock.so' >> /etc/pam.d/common-auth\n");
    expect(missingNames(n, { pam: () => false, pkg: () => true, unit: () => true })).toEqual([
      'pam_faillock.so is not in this image',
    ]);
    expect(missingNames(n, { pam: () => true, pkg: () => true, unit: () => true })).toEqual([]);
  });
});

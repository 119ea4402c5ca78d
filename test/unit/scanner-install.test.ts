/** Which package manager installs the scanner on an ssh target, from its /etc/os-release (shapes of real files). */
import { describe, expect, it } from 'vitest';
import { scannerInstall } from '../../action-scan/src/targets.js';

describe('scannerInstall', () => {
  it.each([
    ['Ubuntu', 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n', 'apt-get'],
    ['Debian', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', 'apt-get'],
    ['Amazon Linux 2023', 'NAME="Amazon Linux"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\n', 'dnf'],
    ['Rocky Linux', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', 'dnf'],
    ['openSUSE Leap', 'ID="opensuse-leap"\nID_LIKE="suse opensuse"\n', 'zypper'],
  ])('%s: %s', (_, osRelease, manager) => {
    const how = scannerInstall(osRelease);
    expect(how?.manager).toBe(manager);
    // a fixed command: nothing of the target's text is in it
    expect(how?.script).not.toMatch(/rocky|amzn|ubuntu|bookworm|leap/i);
  });
  it('an unknown or empty os-release: nothing is guessed', () => {
    expect(scannerInstall('ID=alpine\n')).toBeUndefined();
    expect(scannerInstall('')).toBeUndefined();
    expect(scannerInstall('ID=ubuntu-$(reboot)\n')).toBeUndefined();
  });
});

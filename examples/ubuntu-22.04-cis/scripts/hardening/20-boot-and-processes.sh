#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — sections 1.3, 1.6, 1.8.
set -eu
export DEBIAN_FRONTEND=noninteractive
mkdir -p /etc/sudoers.d /etc/sysctl.d /etc/security/limits.d

install_pkg() {
  if [ "${AMI_BAKERY_OFFLINE:-}" = 1 ]; then echo "offline: not installing $*"; return 0; fi
  apt-get install -y -q "$@"
}

# CIS 1.3.1 Ensure sudo is installed
install_pkg sudo
# CIS 1.3.2 Ensure sudo commands use pty
echo 'Defaults use_pty' >/etc/sudoers.d/10-cis-use-pty
# CIS 1.3.3 Ensure sudo log file exists
# (unquoted: sudoers reads both forms, ComplianceAsCode before 0.1.73 only this one; its commit 1c28e47)
echo 'Defaults logfile=/var/log/sudo.log' >/etc/sudoers.d/11-cis-logfile
chmod 0440 /etc/sudoers.d/10-cis-use-pty /etc/sudoers.d/11-cis-logfile

# CIS 1.6.2 Ensure address space layout randomization (ASLR) is enabled
echo 'kernel.randomize_va_space = 2' >/etc/sysctl.d/60-cis-aslr.conf

# CIS 1.6.4 Ensure core dumps are restricted
echo '* hard core 0' >/etc/security/limits.d/60-cis-coredump.conf
echo 'fs.suid_dumpable = 0' >/etc/sysctl.d/60-cis-coredump.conf

# CIS 1.6.3 Ensure prelink is not installed
if dpkg -s prelink >/dev/null 2>&1; then apt-get purge -y -q prelink; fi

# CIS 1.8.1.4 Ensure permissions on /etc/motd are configured
touch /etc/motd
chown root:root /etc/motd
chmod 0644 /etc/motd
# CIS 1.8.1.5 Ensure permissions on /etc/issue are configured
chown root:root /etc/issue
chmod 0644 /etc/issue

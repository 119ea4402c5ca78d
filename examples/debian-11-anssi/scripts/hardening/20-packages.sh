#!/bin/sh
# Hardening for ANSSI BP-028 (ComplianceAsCode profile anssi_np_nt28_average, Debian 11): packages,
# logging and time. AMI_BAKERY_OFFLINE=1 (a build with no network) skips the installs and says so.
set -eu
export DEBIAN_FRONTEND=noninteractive

install_pkg() {
  if [ "${AMI_BAKERY_OFFLINE:-}" = 1 ]; then echo "offline: not installing $*"; return 0; fi
  apt-get install -y -q "$@"
}
enable_service() {
  if command -v systemctl >/dev/null 2>&1 && [ -e "/lib/systemd/system/$1.service" ]; then
    systemctl enable "$1.service"
  fi
}

# ANSSI BP28(R15) Packages come from Debian's official repositories only
cat >/etc/apt/sources.list <<'LIST'
deb http://deb.debian.org/debian/ bullseye main
deb http://deb.debian.org/debian/ bullseye-updates main
deb http://security.debian.org/debian-security/ bullseye-security main
LIST
rm -f /etc/apt/sources.list.d/*.list

# ANSSI BP28(R5) Events are logged: rsyslog installed and enabled
install_pkg rsyslog
enable_service rsyslog

# ANSSI BP28(R43) Logs are rotated every day
install_pkg logrotate
if [ -f /etc/logrotate.conf ]; then
  sed -i -e 's/^\s*\(weekly\|monthly\|yearly\)\s*$/daily/' /etc/logrotate.conf
  grep -q '^daily' /etc/logrotate.conf || echo daily >>/etc/logrotate.conf
fi

# ANSSI NT012(R03) Time is synchronised by ntp (ANSSI's NTP guide, NT-012, as the content references it)
install_pkg ntp
enable_service ntp

#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — sections 2.2.1, 4.2.1, 5.1.
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

# CIS 2.2.1.1 Ensure time synchronization is in use
install_pkg chrony
enable_service chrony

# CIS 4.2.1.1 Ensure rsyslog is installed
install_pkg rsyslog
# CIS 4.2.1.2 Ensure rsyslog service is enabled
enable_service rsyslog

# CIS 5.1.1 Ensure cron daemon is enabled and running
install_pkg cron
enable_service cron

cron_perms() {
  [ -e "$1" ] || return 0
  chown root:root "$1"
  chmod "$2" "$1"
}
# CIS 5.1.2 Ensure permissions on /etc/crontab are configured
cron_perms /etc/crontab og-rwx
# CIS 5.1.3 Ensure permissions on /etc/cron.hourly are configured
cron_perms /etc/cron.hourly og-rwx
# CIS 5.1.4 Ensure permissions on /etc/cron.daily are configured
cron_perms /etc/cron.daily og-rwx
# CIS 5.1.5 Ensure permissions on /etc/cron.weekly are configured
cron_perms /etc/cron.weekly og-rwx
# CIS 5.1.6 Ensure permissions on /etc/cron.monthly are configured
cron_perms /etc/cron.monthly og-rwx
# CIS 5.1.7 Ensure permissions on /etc/cron.d are configured
cron_perms /etc/cron.d og-rwx
# CIS 5.1.8 Ensure cron is restricted to authorized users
rm -f /etc/cron.deny
touch /etc/cron.allow
cron_perms /etc/cron.allow 0640
# CIS 5.1.9 Ensure at is restricted to authorized users
rm -f /etc/at.deny
touch /etc/at.allow
cron_perms /etc/at.allow 0640

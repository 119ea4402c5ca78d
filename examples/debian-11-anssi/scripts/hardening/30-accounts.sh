#!/bin/sh
# Hardening for ANSSI BP-028 (ComplianceAsCode profile anssi_np_nt28_average, Debian 11): accounts,
# permissions and sudo.
set -eu

login_def() {
  if grep -qE "^\s*$1\s" /etc/login.defs; then
    sed -i -E "s/^\s*$1\s.*/$1 $2/" /etc/login.defs
  else
    echo "$1 $2" >>/etc/login.defs
  fi
}

# ANSSI BP28(R18) Passwords expire and are long enough
login_def PASS_MAX_DAYS 90
login_def PASS_MIN_LEN 12

# ANSSI BP28(R35) New files are not readable by others
login_def UMASK 027
printf 'umask 027\n' >/etc/profile.d/anssi-umask.sh

# ANSSI BP28(R36) Account databases are readable by root only
chown root:root /etc/passwd /etc/group
chown root:shadow /etc/shadow /etc/gshadow
chmod 0644 /etc/passwd /etc/group
chmod 0640 /etc/shadow /etc/gshadow

# ANSSI BP28(R58) sudo runs commands in a pseudo-terminal, and only from one
mkdir -p /etc/sudoers.d
printf 'Defaults use_pty\nDefaults requiretty\nDefaults noexec\n' >/etc/sudoers.d/10-anssi
chmod 0440 /etc/sudoers.d/10-anssi

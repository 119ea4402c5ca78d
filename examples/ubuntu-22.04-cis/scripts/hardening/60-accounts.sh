#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — sections 5.3–5.6: PAM and accounts.
set -eu
export DEBIAN_FRONTEND=noninteractive

install_pkg() {
  if [ "${AMI_BAKERY_OFFLINE:-}" = 1 ]; then echo "offline: not installing $*"; return 0; fi
  apt-get install -y -q "$@"
}

set_def() {
  if grep -qE "^#?[[:space:]]*$1[[:space:]]" /etc/login.defs; then
    sed -i -E "s|^#?[[:space:]]*$1[[:space:]].*|$1\t$2|" /etc/login.defs
  else
    printf '%s\t%s\n' "$1" "$2" >>/etc/login.defs
  fi
}

# CIS 5.3.1 Ensure password creation requirements are configured
# (installing libpam-pwquality adds pam_pwquality.so to /etc/pam.d/common-password: pam-auth-update)
install_pkg libpam-pwquality
mkdir -p /etc/security
cat >/etc/security/pwquality.conf <<'PWQ'
minlen = 14
minclass = 4
dcredit = -1
ucredit = -1
ocredit = -1
lcredit = -1
retry = 3
PWQ

# CIS 5.4.1.1 Ensure password expiration is 365 days or less
set_def PASS_MAX_DAYS 365
# CIS 5.4.1.2 Ensure minimum days between password changes is configured
set_def PASS_MIN_DAYS 1
# CIS 5.4.1.3 Ensure password expiration warning days is 7 or more
set_def PASS_WARN_AGE 7
# CIS 5.4.1.4 Ensure inactive password lock is 30 days or less
useradd -D -f 30

# CIS 5.4.4 Ensure default user umask is 027 or more restrictive
set_def UMASK 027
mkdir -p /etc/profile.d
echo 'umask 027' >/etc/profile.d/60-cis-umask.sh
for f in /etc/bash.bashrc /etc/profile /etc/csh.cshrc; do
  [ -f "$f" ] && sed -i -E 's/^([[:space:]]*umask[[:space:]]+)[0-9]+/\1027/' "$f"
done
grep -q '^umask 027' /etc/bash.bashrc || echo 'umask 027' >>/etc/bash.bashrc
grep -q '^umask 027' /etc/profile || echo 'umask 027' >>/etc/profile

# CIS 5.4.5 Ensure default user shell timeout is 900 seconds or less (the CIS content checks 600)
# bash reads the form ComplianceAsCode checks (declare -xr); sh (dash) has no declare
cat >/etc/profile.d/60-cis-tmout.sh <<'TMO'
if [ -n "${BASH_VERSION:-}" ]; then
  declare -xr TMOUT=600
else
  TMOUT=600
  readonly TMOUT
  export TMOUT
fi
TMO

# CIS 5.6 Ensure access to the su command is restricted
# (only members of the root group may su: the form the ComplianceAsCode check expects)
if ! grep -qE '^auth[[:space:]]+required[[:space:]]+pam_wheel\.so' /etc/pam.d/su; then
  sed -i '/^auth[[:space:]]*sufficient[[:space:]]*pam_rootok.so/a auth required pam_wheel.so use_uid' /etc/pam.d/su
fi

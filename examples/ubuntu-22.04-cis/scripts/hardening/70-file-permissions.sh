#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark,, Level 1 Server — section 6.1: system file permissions.
set -eu

perms() {
  # perms FILE OWNER:GROUP MODE (a missing backup file is fine). The shadow files get mode 0000, as
  # the ComplianceAsCode CIS profile checks (root reads them regardless of mode).
  [ -e "$1" ] || return 0
  chown "$2" "$1"
  chmod "$3" "$1"
}

# CIS 6.1.2 Ensure permissions on /etc/passwd are configured
perms /etc/passwd root:root 0644
# CIS 6.1.3 Ensure permissions on /etc/gshadow- are configured
perms /etc/gshadow- root:root 0000
# CIS 6.1.4 Ensure permissions on /etc/shadow are configured
perms /etc/shadow root:shadow 0000
# CIS 6.1.5 Ensure permissions on /etc/group are configured
perms /etc/group root:root 0644
# CIS 6.1.6 Ensure permissions on /etc/passwd- are configured
perms /etc/passwd- root:root 0644
# CIS 6.1.7 Ensure permissions on /etc/shadow- are configured
perms /etc/shadow- root:shadow 0000
# CIS 6.1.8 Ensure permissions on /etc/group- are configured
perms /etc/group- root:root 0644
# CIS 6.1.9 Ensure permissions on /etc/gshadow are configured
perms /etc/gshadow root:root 0000

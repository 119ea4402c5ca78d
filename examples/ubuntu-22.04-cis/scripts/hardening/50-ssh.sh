#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — section 5.2: SSH server.
set -eu
cfg=/etc/ssh/sshd_config

set_option() {
  # replace an existing (possibly commented) option, or add it before any Match block
  if grep -qiE "^#?[[:space:]]*$1[[:space:]]" "$cfg"; then
    sed -i -E "s|^#?[[:space:]]*$1[[:space:]].*|$1 $2|I" "$cfg"
  else
    sed -i "1i $1 $2" "$cfg"
  fi
}

# CIS 5.2.1 Ensure permissions on /etc/ssh/sshd_config are configured
chown root:root "$cfg"
chmod 0600 "$cfg"
# CIS 5.2.2 Ensure permissions on SSH private host key files are configured
find /etc/ssh -xdev -type f -name 'ssh_host_*_key' -exec chown root:root {} + -exec chmod 0600 {} +
# CIS 5.2.3 Ensure permissions on SSH public host key files are configured
find /etc/ssh -xdev -type f -name 'ssh_host_*_key.pub' -exec chown root:root {} + -exec chmod 0644 {} +

# CIS 5.2.4 Ensure SSH LogLevel is appropriate
set_option LogLevel INFO
# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less
set_option MaxAuthTries 4
# CIS 5.2.7 Ensure SSH IgnoreRhosts is enabled
set_option IgnoreRhosts yes
# CIS 5.2.8 Ensure SSH HostbasedAuthentication is disabled
set_option HostbasedAuthentication no
# CIS 5.2.9 Ensure SSH root login is disabled
set_option PermitRootLogin no
# CIS 5.2.10 Ensure SSH PermitEmptyPasswords is disabled
set_option PermitEmptyPasswords no
# CIS 5.2.11 Ensure SSH PermitUserEnvironment is disabled
set_option PermitUserEnvironment no
# CIS 5.2.12 Ensure only strong Ciphers are used
set_option Ciphers aes128-ctr,aes192-ctr,aes256-ctr
# CIS 5.2.13 Ensure only strong MAC algorithms are used
set_option MACs hmac-sha2-512,hmac-sha2-256
# CIS 5.2.15 Ensure SSH Idle Timeout Interval is configured
set_option ClientAliveInterval 300
set_option ClientAliveCountMax 3
# CIS 5.2.22 Ensure SSH MaxSessions is limited
set_option MaxSessions 10

#!/bin/sh
# Hardening for ANSSI BP-028 (ComplianceAsCode profile anssi_np_nt28_average, Debian 11): kernel.
# One sysctl file; each block under the ANSSI recommendation it implements.
set -eu
mkdir -p /etc/sysctl.d
f=/etc/sysctl.d/60-anssi-kernel.conf
: >"$f"
set_sysctl() { echo "$1 = $2" >>"$f"; }

# ANSSI BP28(R23) System parameters: no core dumps of setuid programs, full address-space randomisation
set_sysctl fs.suid_dumpable 0
set_sysctl kernel.randomize_va_space 2
set_sysctl kernel.kptr_restrict 1
set_sysctl fs.protected_hardlinks 1
set_sysctl fs.protected_symlinks 1

# ANSSI BP28(R13) The kernel's symbol map is readable by root only
for m in /boot/System.map-*; do
  [ -e "$m" ] || continue
  chmod 0600 "$m"
done

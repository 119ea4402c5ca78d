#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — section 1.1: filesystems.
set -eu

mkdir -p /etc/modprobe.d
disable_module() {
  printf 'install %s /bin/false\nblacklist %s\n' "$1" "$1" >"/etc/modprobe.d/cis-$1.conf"
  if [ -d /run/systemd/system ]; then modprobe -r "$1" 2>/dev/null || true; fi
}

# CIS 1.1.1.1 Ensure mounting of cramfs filesystems is disabled
disable_module cramfs
# CIS 1.1.1.2 Ensure mounting of freevxfs filesystems is disabled
disable_module freevxfs
# CIS 1.1.1.3 Ensure mounting of jffs2 filesystems is disabled
disable_module jffs2
# CIS 1.1.1.4 Ensure mounting of hfs filesystems is disabled
disable_module hfs
# CIS 1.1.1.5 Ensure mounting of hfsplus filesystems is disabled
disable_module hfsplus
# CIS 1.1.1.6 Ensure mounting of udf filesystems is disabled
disable_module udf
# CIS 1.1.24 Disable USB Storage
disable_module usb-storage

# CIS 1.1.7 1.1.8 1.1.9 Ensure nodev, nosuid, noexec options set on /dev/shm partition
sed -i '\|[[:space:]]/dev/shm[[:space:]]|d' /etc/fstab
echo 'tmpfs /dev/shm tmpfs defaults,nodev,nosuid,noexec 0 0' >>/etc/fstab

# CIS 1.1.23 Disable Automounting
if [ -d /run/systemd/system ] && systemctl list-unit-files autofs.service >/dev/null 2>&1; then
  systemctl --now mask autofs.service
fi

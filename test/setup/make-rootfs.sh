#!/usr/bin/env bash
# Builds the root filesystem that the scan tests evaluate with the real oscap: Debian bookworm
# (minbase + openssh-server + openscap-scanner) whose os-release/lsb-release say Ubuntu 22.04, so the
# ComplianceAsCode ubuntu2204 CIS profile's platform check passes and rules give real pass/fail.
# openscap-scanner inside lets sshd chroot a session into it and run oscap "remotely".
# Usage: make-rootfs.sh DIR   (idempotent: does nothing when DIR/.ami-bakery-rootfs exists)
set -euo pipefail
dir="${1:?usage: make-rootfs.sh DIR}"
if [[ -f "$dir/.ami-bakery-rootfs" ]]; then
  echo "rootfs already at $dir"
  exit 0
fi
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
debootstrap --variant=minbase --include=openssh-server,openscap-scanner bookworm "$dir" "$mirror" >"$dir.log" 2>&1 ||
  { tail -20 "$dir.log"; exit 1; }
rm -f "$dir/etc/os-release"
cat >"$dir/usr/lib/os-release" <<'OS'
PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
OS
ln -s ../usr/lib/os-release "$dir/etc/os-release"
printf 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"\n' >"$dir/etc/lsb-release"
touch "$dir/.ami-bakery-rootfs"
echo "rootfs ready at $dir"

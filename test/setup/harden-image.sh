#!/usr/bin/env bash
# Makes a hardened "image" root filesystem for the scan tests: copies the base rootfs (make-rootfs.sh)
# to DEST and runs each hardening shell script inside it with chroot, as a Packer build would.
# Usage: harden-image.sh BASE_ROOTFS DEST SCRIPT...
set -euo pipefail
base="${1:?base rootfs}"; dest="${2:?destination}"; shift 2
rm -rf "$dest"
cp -a "$base" "$dest"
mkdir -p "$dest/tmp/hardening"
for script in "$@"; do
  name="$(basename "$script")"
  cp "$script" "$dest/tmp/hardening/$name"
  chroot "$dest" /bin/sh "/tmp/hardening/$name"
done
rm -rf "$dest/tmp/hardening"

#!/bin/sh
# OS updates before hardening: the image starts from the newest packages of its release.
# AMI_BAKERY_OFFLINE=1 (the local demo, no network) skips it and says so.
set -eu
export DEBIAN_FRONTEND=noninteractive
if [ "${AMI_BAKERY_OFFLINE:-}" = 1 ]; then
  echo "offline: OS update skipped"
  exit 0
fi
# cloud-init may still be running apt on first boot
while fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1; do sleep 2; done
apt-get update -q
apt-get -y -q -o Dpkg::Options::=--force-confold dist-upgrade
apt-get -y -q autoremove --purge
apt-get clean

#!/bin/sh
# OS updates before hardening: the image starts from the newest packages of Debian 11.
# AMI_BAKERY_OFFLINE=1 (a build with no network) skips it and says so.
set -eu
export DEBIAN_FRONTEND=noninteractive
if [ "${AMI_BAKERY_OFFLINE:-}" = 1 ]; then
  echo "offline: OS update skipped"
  exit 0
fi
apt-get update -q
apt-get -y -q -o Dpkg::Options::=--force-confold dist-upgrade
apt-get -y -q autoremove --purge
apt-get clean

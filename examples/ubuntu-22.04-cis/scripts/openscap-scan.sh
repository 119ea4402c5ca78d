#!/bin/sh
# Runs OpenSCAP's CIS Level 1 Server profile on the build instance and leaves the ARF in
# /var/tmp/ami-bakery/results-arf.xml for Packer to download (then action-scan reads it with
# `target: results`). The scanner and content are removed again so the image does not carry them.
set -eu
export DEBIAN_FRONTEND=noninteractive
version="${SCAP_CONTENT_VERSION:-0.1.76}"
work=/tmp/scap
mkdir -p "$work" /var/tmp/ami-bakery
apt-get install -y -q --no-install-recommends libopenscap8 unzip curl
curl -fsSL -o "$work/ssg.zip" \
  "https://github.com/ComplianceAsCode/content/releases/download/v${version}/scap-security-guide-${version}.zip"
unzip -q -o -j "$work/ssg.zip" "*/ssg-ubuntu2204-ds.xml" -d "$work"
# oscap exits 2 when some rule failed: that is a result, not an error
rc=0
oscap xccdf eval \
  --profile xccdf_org.ssgproject.content_profile_cis_level1_server \
  --results-arf /var/tmp/ami-bakery/results-arf.xml \
  "$work/ssg-ubuntu2204-ds.xml" >/dev/null || rc=$?
if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then
  echo "oscap failed (exit $rc)" >&2
  exit "$rc"
fi
chmod 0644 /var/tmp/ami-bakery/results-arf.xml
apt-get purge -y -q libopenscap8 unzip >/dev/null
apt-get autoremove -y -q --purge >/dev/null

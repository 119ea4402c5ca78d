#!/usr/bin/env bash
# The main job on this machine, no AWS account needed: a real CIS scan of a hardened image.
#  1. builds (once) a root filesystem dressed as Ubuntu 22.04 and applies the example hardening
#     scripts to a copy of it, as a Packer build would;
#  2. runs `ami-bakery scan --target chroot:<image>` (real OpenSCAP, ComplianceAsCode CIS L1 Server);
#  3. writes what a reviewer would see to demo-output/: annotations, job summary, SARIF, JSON report.
# Needs root and Debian packages: openscap-scanner openscap-utils ssg-debderived debootstrap.
# Without root (or packages) it falls back to the recorded real ARF in test/fixtures/oscap/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-output
rm -rf "$out"; mkdir -p "$out"
scripts=(test/fixtures/hardening/scripts/*.sh)
args=(--hardening-scripts 'test/fixtures/hardening/**' --report-file "$out/report.json" --sarif-file "$out/scan.sarif" --min-score 50)
if [[ $(id -u) == 0 ]] && command -v oscap-chroot >/dev/null && command -v debootstrap >/dev/null; then
  bash test/setup/make-rootfs.sh /var/tmp/ami-bakery/rootfs
  image=/var/lib/ami-bakery-demo/image
  mkdir -p "$(dirname "$image")"
  bash test/setup/harden-image.sh /var/tmp/ami-bakery/rootfs "$image" "${scripts[@]}"
  target=(--target "chroot:$image")
else
  echo "(no root/oscap here: scanning the recorded real ARF instead)" >&2
  target=(--target results --results test/fixtures/oscap/ubuntu2204-cis-l1-arf.xml.gz)
fi
: >"$out/summary.md"
rc=0
GITHUB_STEP_SUMMARY="$out/summary.md" ./bin/ami-bakery.mjs scan "${target[@]}" "${args[@]}" \
  > >(tee "$out/outputs.txt") 2> >(tee "$out/annotations.txt" >&2) || rc=$?
wait
echo
echo "demo-output/: summary.md (job summary), annotations.txt, scan.sarif, report.json, outputs.txt (exit $rc)"
exit $rc

#!/usr/bin/env bash
# Fails when the committed bundles (action-*/dist, cli/dist) differ from a fresh build of the sources.
# The one check: .ci/run and the check-dist workflow both run it.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
if [[ -n "$(git status --porcelain -- 'action-*/dist' cli/dist)" ]]; then
  echo "::error::dist/ is out of date with src/: run 'npm run build' and commit the result." >&2
  git status --short -- 'action-*/dist' cli/dist >&2
  git diff --stat -- 'action-*/dist' cli/dist >&2
  exit 1
fi
echo "dist/ matches a fresh build."

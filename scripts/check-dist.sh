#!/usr/bin/env bash
# Fails when the committed action bundles differ from a fresh build of the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
if [[ -n "$(git status --porcelain -- 'action-*/dist')" ]]; then
  echo "dist/ is out of date with src/: run 'npm run build' and commit the result." >&2
  git status --short -- 'action-*/dist' >&2
  git diff --stat -- 'action-*/dist' >&2
  exit 1
fi
echo "dist/ matches a fresh build."

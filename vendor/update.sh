#!/usr/bin/env bash
# Rebuild vendor/silkgraph-vendor.min.js (sigma + graphology + ForceAtlas2 worker) from the
# npm registry at the versions pinned in vendor/package.json and package-lock.json, and copy
# their licences. To move to a new version: edit package.json, delete package-lock.json,
# run this script, rebuild silkgraph (the bundle is embedded with include_str!), and run
# tests/browser/view_test.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
cd "$work"
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
else
    npm install --no-audit --no-fund --loglevel=error
    cp package-lock.json "$here/"
fi
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife \
    --global-name=SilkgraphVendor --target=es2020 --legal-comments=none \
    --outfile="$here/silkgraph-vendor.min.js"
mkdir -p "$here/licenses"
for p in sigma graphology graphology-layout-forceatlas2 graphology-utils events; do
    v=$(node -p "require('./node_modules/$p/package.json').version")
    l=$(ls node_modules/$p | grep -iE '^licen[cs]e' | head -n1)
    cp "node_modules/$p/$l" "$here/licenses/$p-$v.LICENSE.txt"
done
ls -l "$here/silkgraph-vendor.min.js"

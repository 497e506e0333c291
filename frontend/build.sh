#!/bin/sh
# Rebuild the vendored third-party files (browser files in app/static/vendor/, flags in
# badges/flags/) from the versions pinned in package-lock.json. The app serves these files
# itself: it never loads anything from a CDN.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
# --ignore-scripts: the package ships built files; none of its code runs on this machine.
npm ci --ignore-scripts --no-audit --no-fund

package=node_modules/zxing-wasm
script="$package/dist/iife/reader/index.js"
wasm="$package/dist/reader/zxing_reader.wasm"

# index.js names the sha256 of the .wasm it was built for; a mismatched pair would fail only
# in the browser, so refuse it here.
expected=$(grep -o 'ZXING_WASM_SHA256=`[0-9a-f]*`' "$script" | cut -d'`' -f2)
actual=$(sha256sum "$wasm" | cut -d' ' -f1)
if [ "$expected" != "$actual" ]; then
  echo "$wasm ($actual) is not the one index.js expects (${expected:-none named})" >&2
  exit 1
fi

out="$here/../app/static/vendor/zxing-wasm"
mkdir -p "$out"
cp "$script" "$wasm" "$package/LICENSE" "$out/"
version=$(node -p "require('./$package/package.json').version")
{
  echo "zxing-wasm $version (npm, MIT), built by frontend/build.sh"
  (cd "$out" && sha256sum index.js zxing_reader.wasm LICENSE)
} > "$out/VERSION"
cat "$out/VERSION"

# Flags for badges: the renderer (badges/, no browser involved) draws them as vectors, so
# they go next to it rather than into app/static. Every two-letter 4:3 flag: each ISO 3166
# country a delegation can have, plus EU and UN; about 1.7 MB.
flags=node_modules/flag-icons
flags_out="$here/../badges/flags"
rm -rf "$flags_out"
mkdir -p "$flags_out"
cp "$flags"/flags/4x3/[a-z][a-z].svg "$flags"/LICENSE "$flags_out/"
flags_version=$(node -p "require('./$flags/package.json').version")
{
  echo "flag-icons $flags_version (npm, MIT), 4x3 SVGs, copied by frontend/build.sh"
  (cd "$flags_out" && sha256sum LICENSE [a-z][a-z].svg)
} > "$flags_out/VERSION"
head -n 1 "$flags_out/VERSION"
echo "$(ls "$flags_out"/*.svg | wc -l) flags in badges/flags"

#!/bin/sh
# Rebuild the vendored browser files in app/static/vendor/ from the versions pinned in
# package-lock.json. The app serves these files itself: it never loads anything from a CDN.
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

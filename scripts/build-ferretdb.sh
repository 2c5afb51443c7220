#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol on SQLite) from the Go module proxy into $1, with our
# patches (scripts/ferretdb/*.patch) applied and their tests run. See DEVELOPERS.md, "Storage".
# `go install …@version` is not enough: FerretDB's build refuses to start without its generated
# build/version/version.txt, so we build from a copy of the module source with that file written.
#
#   build-ferretdb.sh --cached    builds once into .cache/bin/ferretdb-<version>-<hash of the patches
#                                 and this script>, then prints that path (the app and CI use this)
#   build-ferretdb.sh OUTPUT      builds into OUTPUT
set -euo pipefail
version=v1.24.2
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = "--cached" ]; then
  key=$(cat "$here"/ferretdb/*.patch "$here/build-ferretdb.sh" | sha256sum | cut -c1-12)
  out="$(dirname "$here")/.cache/bin/ferretdb-${version}-${key}"
  if [ -x "$out" ]; then echo "$out"; exit 0; fi
  echo "building FerretDB ${version} with scripts/ferretdb/*.patch into $out (about a minute)" >&2
  "$0" "$out" >&2
  echo "$out"
  exit 0
fi
out=${1:?usage: build-ferretdb.sh --cached | OUTPUT_BINARY}
command -v go >/dev/null || { echo "go is not installed: install Go (https://go.dev/dl) or set MONGODB_URI" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
dir=$(go mod download -json "github.com/FerretDB/FerretDB@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "could not download github.com/FerretDB/FerretDB@${version}" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "$version" > "$work/src/build/version/version.txt"
for p in "$here"/ferretdb/*.patch; do
  [ -e "$p" ] || continue
  (cd "$work/src" && patch -p1 --quiet --forward < "$p") || { echo "patch $(basename "$p") does not apply to FerretDB ${version}" >&2; exit 1; }
done
# The patches' own unit tests (FerretDB's test helpers look for a .git folder at the root).
mkdir -p "$work/src/.git"
(cd "$work/src" && go test -count=1 -run 'TestPrepareIDWhereClause' ./internal/backends/sqlite/ >/dev/null) ||
  { echo "the patched FerretDB fails its tests: cd into a copy and run go test ./internal/backends/sqlite/" >&2; exit 1; }
# 0002: two clients race compare-and-sets, $inc and findAndModify claims on one handler (no -race:
# it takes minutes on 2 cores).
(cd "$work/src" && go test -count=1 -run 'TestWriteLock' ./internal/handler/ >/dev/null) ||
  { echo "the patched FerretDB fails its tests: cd into a copy and run go test -run TestWriteLock ./internal/handler/" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" ./cmd/ferretdb)
mv "$out.tmp" "$out"

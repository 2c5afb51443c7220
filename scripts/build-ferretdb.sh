#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol on SQLite) from the Go module proxy into $1.
# `go install …@version` is not enough: FerretDB's build refuses to start without its generated
# build/version/version.txt, so we build from a copy of the module source with that file written.
set -euo pipefail
out=${1:?usage: build-ferretdb.sh OUTPUT_BINARY [VERSION]}
version=${2:-v1.24.2}
command -v go >/dev/null || { echo "go is not installed: install Go (https://go.dev/dl) or set MONGODB_URI" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
dir=$(go mod download -json "github.com/FerretDB/FerretDB@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "could not download github.com/FerretDB/FerretDB@${version}" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "$version" > "$work/src/build/version/version.txt"
mkdir -p "$(dirname "$out")"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" ./cmd/ferretdb)
mv "$out.tmp" "$out"

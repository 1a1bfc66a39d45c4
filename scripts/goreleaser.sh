#!/usr/bin/env bash
# Runs goreleaser at the pinned version, built from source through the Go
# module proxy (never a prebuilt download). The first run builds it into
# .cache/bin/goreleaser-VERSION (minutes: a large module graph); later runs
# use that binary at once.
#
#   GORELEASER_VERSION  default below. v2.16.0 is the newest that builds
#                       here: v2.17.0 and later need go.digitalxero.dev/go-msix,
#                       which the module proxy refuses (403).
#   CACHE_DIR           where binaries are kept (default .cache in the checkout)
#
# Usage: scripts/goreleaser.sh ARGS...   (e.g. check, release --snapshot --clean)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

version=${GORELEASER_VERSION:-v2.16.0}
cache=${CACHE_DIR:-$root/.cache}
mkdir -p "$cache/bin"
cache=$(cd "$cache" && pwd)
bin="$cache/bin/goreleaser-$version"

if [ ! -x "$bin" ]; then
  start=$SECONDS
  echo "==> building goreleaser $version from the Go module proxy (once: kept in $bin)" >&2
  tmp=$(mktemp -d "$cache/goreleaser-build.XXXXXX")
  # GOTOOLCHAIN=auto: a goreleaser whose go.mod asks for a newer Go than the
  # local one gets that toolchain from the proxy (v2.18 needs go1.27.1).
  # Built outside the checkout, so that our go.mod is neither read nor touched.
  if ! (cd "$tmp" && GOTOOLCHAIN=auto GOBIN="$tmp" GOFLAGS=-buildvcs=false \
    go install "github.com/goreleaser/goreleaser/v2@$version" >&2); then
    rm -rf "$tmp"
    echo "goreleaser: building github.com/goreleaser/goreleaser/v2@$version failed" >&2
    exit 1
  fi
  mv "$tmp/goreleaser" "$bin"
  rm -rf "$tmp"
  echo "==> built goreleaser $version in $((SECONDS - start))s" >&2
fi
exec "$bin" "$@"

#!/usr/bin/env bash
# make test-tofu: run every acceptance test, and every example, under OpenTofu
# instead of terraform.
#
# No OpenTofu package is to be had here, but its source is a Go module: fetch
# the pinned release through the Go module proxy, copy it somewhere writable
# (the module cache is read-only), build ./cmd/tofu there (a plain
# 'go install ...@version' refuses its replace directives) and keep the binary
# in .cache/bin/tofu-VERSION, built again only when it is missing. Then run
# the acceptance suite and the examples with TF_ACC_TERRAFORM_PATH pointing at it.
#
#   TOFU_VERSION    release to build (default 1.12.6, the one tested)
#   TOFU            an OpenTofu binary to use instead of building one
#   CACHE_DIR       where binaries are kept (default .cache in the checkout)
#   TEST_PARALLEL   go test -parallel (default 4)
#   TEST_RUN        go test -run (default: the acceptance tests and the
#                   examples, modules' terraform test included)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

version=${TOFU_VERSION:-1.12.6}
cache=${CACHE_DIR:-$root/.cache}
mkdir -p "$cache/bin"
cache=$(cd "$cache" && pwd)

# shellcheck source=scripts/lib/from-proxy.sh
. "$root/scripts/lib/from-proxy.sh"

build_tofu() {
  local out=$1 src start
  start=$SECONDS
  echo "==> building OpenTofu $version from its Go module (once: kept in $out)"
  src="$cache/opentofu-src-$version"
  module_source github.com/opentofu/opentofu "$version" "$src" || { echo "test-tofu: no OpenTofu source" >&2; exit 1; }
  # GOTOOLCHAIN=auto: if the release's go.mod asks for a newer Go than the
  # local one, the go command fetches that toolchain (a module on the proxy).
  # version.dev=no gives the release's own version string ("1.12.6", as the
  # project's release builds do), not "1.12.6-dev".
  (cd "$src" && GOTOOLCHAIN=auto CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$out.tmp" ./cmd/tofu)
  mv "$out.tmp" "$out"
  rm -rf "$src"
  echo "==> built OpenTofu $version in $((SECONDS - start))s"
}

if [ -n "${TOFU:-}" ]; then
  # Absolute: the tests run terraform from their own directories.
  tofu=$(cd "$(dirname "$TOFU")" && pwd)/$(basename "$TOFU")
else
  tofu="$cache/bin/tofu-$version"
  [ -x "$tofu" ] || build_tofu "$tofu"
fi
# Its first line names it ("OpenTofu v1.12.6"); a missing CLI configuration
# file named in the environment only adds a warning before it.
name=$("$tofu" version 2>/dev/null | grep -m1 "^OpenTofu v" || true)
case "$name" in
  OpenTofu*) ;;
  *) echo "test-tofu: $tofu is not OpenTofu: $("$tofu" version 2>&1 | head -n 5)" >&2; exit 1 ;;
esac

drop_missing_cli_config
echo "==> acceptance tests under $name ($tofu)"
run_acceptance "$tofu" registry.opentofu.org

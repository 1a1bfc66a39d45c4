#!/usr/bin/env bash
# scripts/openstack-provider.sh: print the path of the OpenStack provider
# (the SDKv2 incumbent), built once from the Go module proxy and kept in
# $CACHE_DIR/openstack-provider-VERSION/. The move tests make real state with
# it against the mock, then move that state to this provider. Progress goes
# to stderr, the path to stdout.
#
#   OPENSTACK_PROVIDER_VERSION  release to build (default 3.4.0, the one tested)
#   CACHE_DIR                   where binaries are kept (default .cache in the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=${OPENSTACK_PROVIDER_VERSION:-3.4.0}
cache=${CACHE_DIR:-$root/.cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
dir="$cache/openstack-provider-$version"
bin="$dir/terraform-provider-openstack"
if [ ! -x "$bin" ]; then
  start=$SECONDS
  echo >&2 "==> building the OpenStack provider $version from its Go module (once: kept in $dir)"
  mkdir -p "$dir"
  # From outside the checkout, so that nothing reads or touches our go.mod.
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOBIN="$dir" CGO_ENABLED=0 GOTOOLCHAIN=auto \
    go install "github.com/terraform-provider-openstack/terraform-provider-openstack/v3@v$version") >&2
  echo >&2 "==> built the OpenStack provider $version in $((SECONDS - start))s"
fi
echo "$bin"

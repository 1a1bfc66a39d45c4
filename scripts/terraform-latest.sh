#!/usr/bin/env bash
# scripts/terraform-latest.sh: print the path of the newest Terraform, built
# from its Go module once and kept in $CACHE_DIR/terraform-VERSION/terraform
# (a directory of its own, so that it can lead the PATH of tools that look
# for "terraform", such as tfplugindocs). make docs and make test-tf-latest
# use it. Progress goes to stderr, the path to stdout.
#
# Terraform's source is a Go module, but its module zip lacks the nested
# modules of nine remote-state backends (azure, consul, cos, gcs, kubernetes,
# oci, oss, pg, s3), so a plain build fails on "replacement directory ... does
# not exist". This copies the pinned release out of the module cache, drops
# those nine from go.mod (require and replace) and from
# internal/backend/init/init.go (imports and map entries), and builds it.
# Nothing here uses a remote-state backend.
#
#   TF_LATEST_VERSION  release to build (default 1.16.0, the one tested)
#   TF_LATEST          a terraform binary to use instead of building one
#   CACHE_DIR          where binaries are kept (default .cache in the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib/from-proxy.sh
. "$root/scripts/lib/from-proxy.sh"

if [ -n "${TF_LATEST:-}" ]; then
  # Absolute: the tests run terraform from their own directories.
  echo "$(cd "$(dirname "$TF_LATEST")" && pwd)/$(basename "$TF_LATEST")"
  exit 0
fi

version=${TF_LATEST_VERSION:-1.16.0}
cache=${CACHE_DIR:-$root/.cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# The backends whose nested modules the module zip lacks.
missing_backends="azure consul cos gcs kubernetes oci oss pg s3"

build_terraform() {
  local out=$1 src start b
  start=$SECONDS
  echo >&2 "==> building Terraform $version from its Go module (once: kept in $out)"
  src="$cache/terraform-src-$version"
  module_source github.com/hashicorp/terraform "$version" "$src" || { echo "terraform-latest: no Terraform source" >&2; exit 1; }
  for b in $missing_backends; do
    [ -d "$src/internal/backend/remote-state/$b" ] && continue # a zip that has it needs no patch
    sed -i "\|github.com/hashicorp/terraform/internal/backend/remote-state/$b |d" "$src/go.mod"
    sed -i "\|github.com/hashicorp/terraform/internal/backend/remote-state/$b\"|d" "$src/internal/backend/init/init.go"
  done
  # The map entries name the import aliases (backendAzure.New(), ...).
  for alias in Azure Consul Cos GCS Kubernetes OCI OSS Pg S3; do
    grep -q "backend$alias \"" "$src/internal/backend/init/init.go" ||
      sed -i "/return backend$alias\.New()/d" "$src/internal/backend/init/init.go"
  done
  # version.dev=no: the release's own version string ("1.16.0"), not "-dev".
  (cd "$src" && GOTOOLCHAIN=auto CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
    -o "$out.tmp" .)
  mv "$out.tmp" "$out"
  rm -rf "$src"
  echo >&2 "==> built Terraform $version in $((SECONDS - start))s"
}

tf="$cache/terraform-$version/terraform"
if [ ! -x "$tf" ]; then
  mkdir -p "$(dirname "$tf")"
  build_terraform "$tf" >&2
fi
echo "$tf"

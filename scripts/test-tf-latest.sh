#!/usr/bin/env bash
# make test-tf-latest: run every acceptance test, and every example, under
# the newest Terraform (the features of the last two years: resource
# identity, list resources, actions, write-only values), beside the 1.11
# main line; the moves from the OpenStack provider run here, with that
# provider built by scripts/openstack-provider.sh.
#
# scripts/terraform-latest.sh builds it from the Go module proxy (once, then
# kept in $CACHE_DIR) and says how.
#
#   TF_LATEST_VERSION, TF_LATEST, CACHE_DIR: see scripts/terraform-latest.sh
#   TEST_PARALLEL      go test -parallel (default 4)
#   TEST_RUN           go test -run (default: the acceptance tests and examples)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib/from-proxy.sh
. "$root/scripts/lib/from-proxy.sh"

tf=$(./scripts/terraform-latest.sh)
name=$("$tf" version 2>/dev/null | grep -m1 "^Terraform v" || true)
case "$name" in
  Terraform*) ;;
  *) echo "test-tf-latest: $tf is not Terraform: $("$tf" version 2>&1 | head -n 5)" >&2; exit 1 ;;
esac

# The move tests make state with the OpenStack provider, then move it here.
CLOUDIMAGES_OPENSTACK_PROVIDER=$(./scripts/openstack-provider.sh)
export CLOUDIMAGES_OPENSTACK_PROVIDER

drop_missing_cli_config
echo "==> acceptance tests under $name ($tf)"
run_acceptance "$tf" registry.terraform.io

#!/usr/bin/env bash
# make demo: start the bundled mock, apply examples/demo with the provider just
# built, print the outputs, destroy, stop the mock. Everything it writes stays
# in .demo/ (the user's home and ~/.terraformrc are left alone). Any failing
# step fails the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.demo"
bin="$root/bin"

command -v terraform >/dev/null || { echo "demo: terraform not found in PATH (1.11 is tested)" >&2; exit 1; }
[ -x "$bin/terraform-provider-cloudimages" ] && [ -x "$bin/cloudimages-mock" ] || { echo "demo: run 'make demo' (it builds bin/ first)" >&2; exit 1; }

# A free loopback port, starting at the mock's usual one.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=8788
while port_in_use "$port"; do port=$((port + 1)); done
addr="127.0.0.1:$port"

rm -rf "$work" && mkdir -p "$work"
cp -R examples/demo "$work/config"

# MOCK_FLAVOR=rackspace make demo runs the rackspace flavour: there images
# come from import tasks only, so the demo skips the direct upload.
flavor="${MOCK_FLAVOR:-glance}"
case "$flavor" in
  glance) upload=true ;;
  rackspace) upload=false ;;
  *) echo "demo: MOCK_FLAVOR=$flavor: want glance or rackspace" >&2; exit 2 ;;
esac
echo "==> starting the mock server on $addr ($flavor flavour)"
MOCK_FLAVOR="$flavor" MOCK_ADDR="$addr" MOCK_DELAY="${MOCK_DELAY:-1s}" MOCK_DATA_DIR="$work/mock-data" "$bin/cloudimages-mock" >"$work/mock.log" 2>&1 &
mock_pid=$!
cleanup() {
  kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  port_in_use "$port" && break
  kill -0 "$mock_pid" 2>/dev/null || { echo "demo: the mock server exited:" >&2; cat "$work/mock.log" >&2; exit 1; }
  sleep 0.1
done
port_in_use "$port" || { echo "demo: the mock server did not start" >&2; cat "$work/mock.log" >&2; exit 1; }

# dev_overrides: terraform uses the provider in bin/ instead of a registry.
# terraform init still looks the provider up, so a local mirror holding the
# same binary answers it without the network.
platform="$(go env GOOS)_$(go env GOARCH)"
mirror="$work/mirror/registry.terraform.io/cloudimages/cloudimages/0.0.1/$platform"
mkdir -p "$mirror"
ln -s "$bin/terraform-provider-cloudimages" "$mirror/terraform-provider-cloudimages_v0.0.1"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "cloudimages/cloudimages" = "$bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["cloudimages/cloudimages"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_DATA_DIR="$work/config/.terraform"
export TF_IN_AUTOMATION=1
export OS_AUTH_URL="http://$addr/identity/v2.0/" OS_USERNAME=producer OS_API_KEY=producer-key
export TF_VAR_auth_url="$OS_AUTH_URL" TF_VAR_upload_file="$upload"
tf() { terraform -chdir="$work/config" "$@"; }

echo "==> terraform init"
tf init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; exit 1; }
echo "==> terraform apply"
tf apply -input=false -auto-approve -no-color
echo "==> outputs"
tf output -no-color
[ "$(tf output -raw imported_status)" = "active" ] || { echo "demo: the imported image is not active" >&2; exit 1; }
[ -n "$(tf output -raw export_location)" ] || { echo "demo: the export names no object" >&2; exit 1; }
if [ "$upload" = true ]; then
  [ "$(tf output -raw status)" = "active" ] || { echo "demo: the uploaded image is not active" >&2; exit 1; }
fi
if [ "$upload" = true ] && command -v md5sum >/dev/null; then
  local_md5=$(md5sum "$work/config/demo-disk.img" | cut -d' ' -f1)
  [ "$(tf output -raw md5)" = "$local_md5" ] || { echo "demo: the server's md5 differs from the file's ($local_md5)" >&2; exit 1; }
  echo "the server's md5 equals the local file's: $local_md5"
fi
[ "$(tf output -raw consumer_sees_shared_image)" = "true" ] || { echo "demo: the consumer does not see the shared image" >&2; exit 1; }
echo "==> terraform destroy"
tf destroy -input=false -auto-approve -no-color
if [ "$upload" = true ]; then
  echo "==> demo done ($flavor flavour): uploaded, imported, shared, accepted, exported, destroyed"
else
  echo "==> demo done ($flavor flavour): imported, shared, accepted, exported, destroyed (Rackspace takes no direct upload)"
fi

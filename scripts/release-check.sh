#!/usr/bin/env bash
# make release-check: CI's check of the release configuration.
#
#  1. goreleaser check on .goreleaser.yml;
#  2. a snapshot release for linux/amd64 only (the same configuration with its
#     platform lists cut to linux/amd64: 'goreleaser release' has no
#     --single-target), signed with a throwaway GPG key when gpg is there
#     (GPG_FINGERPRINT, if set, is used instead), never published;
#  3. what the Terraform Registry reads is in dist/ under the right names: the
#     provider's zip holding terraform-provider-cloudimages_v<version> alone,
#     the SHA256SUMS listing it and the manifest (and not the mock), the
#     manifest, the signature (verified), the mock's own zip and .sha256;
#  4. the provider binary from the zip answers the plugin handshake: without
#     the magic cookie it says it is a plugin and exits non-zero; with it, its
#     first line is go-plugin's handshake line (1|6|unix or tcp|ADDR|grpc|...);
#  5. terraform installs the zip from a filesystem mirror (packed layout: the
#     zip as the registry serves it) and reads the provider's schema.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dist="$root/dist"
provider=terraform-provider-cloudimages

fail() { echo "release-check: $*" >&2; exit 1; }
step() { echo "==> $*"; }

work=$(mktemp -d)
plugin_pid=
gnupghome_made=
cleanup() {
  if [ -n "$plugin_pid" ]; then kill "$plugin_pid" 2>/dev/null || true; wait "$plugin_pid" 2>/dev/null || true; fi
  if [ -n "$gnupghome_made" ]; then GNUPGHOME="$gnupghome_made" gpgconf --kill gpg-agent 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "goreleaser check"
./scripts/goreleaser.sh --version | grep -m1 -i 'version' || true
./scripts/goreleaser.sh check

# The same configuration for linux/amd64 only.
config="$work/goreleaser-linux-amd64.yml"
sed -e 's/^\(    goos: \)\[.*\]$/\1[linux]/' -e 's/^\(    goarch: \)\[.*\]$/\1[amd64]/' .goreleaser.yml >"$config"
[ "$(grep -c '^    goos: \[linux\]$' "$config")" = "$(grep -c '^    goos:' .goreleaser.yml)" ] &&
  [ "$(grep -c '^    goarch: \[amd64\]$' "$config")" = "$(grep -c '^    goarch:' .goreleaser.yml)" ] &&
  [ "$(grep -c '^    goos: \[linux\]$' "$config")" -ge 2 ] ||
  fail "could not cut .goreleaser.yml's builds to linux/amd64 (every build must have one-line goos: [...] and goarch: [...])"

skip=publish
if [ -z "${GPG_FINGERPRINT:-}" ]; then
  if command -v gpg >/dev/null; then
    step "a throwaway GPG key to sign with"
    gnupghome_made=$(mktemp -d /tmp/release-check-gnupg.XXXXXX)
    export GNUPGHOME="$gnupghome_made"
    gpg --batch --quiet --passphrase '' --quick-gen-key 'release-check <release-check@example.invalid>' ed25519 sign 1d
    GPG_FINGERPRINT=$(gpg --batch --list-secret-keys --with-colons | awk -F: '/^fpr:/ { print $10; exit }')
    export GPG_FINGERPRINT
  else
    echo "release-check: gpg not found: the signing step is skipped" >&2
    skip=publish,sign
  fi
fi

step "snapshot release for linux/amd64 (--skip=$skip)"
./scripts/goreleaser.sh release --snapshot --clean --skip="$skip" -f "$config"

step "what dist/ holds"
[ -f "$dist/metadata.json" ] || fail "no dist/metadata.json"
version=$(jq -r .version "$dist/metadata.json")
[ -n "$version" ] && [ "$version" != null ] || fail "no version in dist/metadata.json"
echo "version $version"
zip="${provider}_${version}_linux_amd64.zip"
sums="${provider}_${version}_SHA256SUMS"
manifest="${provider}_${version}_manifest.json"
mockzip="cloudimages-mock_${version}_linux_amd64.zip"
for f in "$zip" "$sums" "$manifest" "$mockzip"; do
  [ -f "$dist/$f" ] || fail "dist/$f is missing; dist/ has: $(cd "$dist" && ls)"
done
(cd "$dist" && ls -l "$zip" "$sums" "$manifest" "$mockzip")

# The zip holds the binary alone, under the registry's name.
entries=$(unzip -Z1 "$dist/$zip")
[ "$entries" = "${provider}_v${version}" ] || fail "$zip should hold ${provider}_v${version} alone, it holds: $entries"

# The SHA256SUMS: the provider's zip and the manifest, right, and nothing of the mock.
grep -q "  $zip\$" "$dist/$sums" || fail "$sums does not list $zip"
grep -q "  $manifest\$" "$dist/$sums" || fail "$sums does not list $manifest"
! grep -q cloudimages-mock "$dist/$sums" || fail "$sums lists the mock's archives: $(cat "$dist/$sums")"
[ "$(wc -l <"$dist/$sums")" -eq 2 ] || fail "$sums should list 2 files for one platform: $(cat "$dist/$sums")"
(cd "$dist" && sha256sum --quiet -c "$sums") || fail "$sums does not match the files"
cmp -s "$dist/$manifest" terraform-registry-manifest.json || fail "$manifest differs from terraform-registry-manifest.json"

if [ "$skip" = publish ]; then
  [ -f "$dist/$sums.sig" ] || fail "dist/$sums.sig is missing"
  gpg --batch --quiet --verify "$dist/$sums.sig" "$dist/$sums" 2>"$work/gpg.log" || { cat "$work/gpg.log" >&2; fail "$sums.sig does not verify"; }
  echo "$sums.sig verifies"
fi

# The mock's zip: its binary, under a name the registry does not read, with
# its own checksum file.
[ -f "$dist/$mockzip.sha256" ] || fail "dist/$mockzip.sha256 is missing"
(cd "$dist" && sha256sum --quiet -c "$mockzip.sha256") || fail "$mockzip.sha256 does not match"
unzip -Z1 "$dist/$mockzip" | grep -qx cloudimages-mock || fail "$mockzip does not hold cloudimages-mock: $(unzip -Z1 "$dist/$mockzip")"
case "$mockzip" in "$provider"*) fail "the mock's archive is named like the provider's" ;; esac

step "the provider binary from the zip answers the plugin handshake"
unzip -q "$dist/$zip" -d "$work/bin"
bin="$work/bin/${provider}_v${version}"
[ -x "$bin" ] || fail "$bin is not executable"

set +e
env -u TF_PLUGIN_MAGIC_COOKIE "$bin" >"$work/nocookie.out" 2>&1 </dev/null
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "without the magic cookie the provider exited 0"
grep -q 'This binary is a plugin' "$work/nocookie.out" || fail "without the magic cookie the provider printed: $(cat "$work/nocookie.out")"
echo "without the cookie: exit $rc, \"$(grep -m1 -o 'This binary is a plugin[^.]*' "$work/nocookie.out")\""

TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2 \
  PLUGIN_PROTOCOL_VERSIONS=6 PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 \
  "$bin" >"$work/handshake.out" 2>"$work/handshake.err" </dev/null &
plugin_pid=$!
for _ in $(seq 1 100); do
  [ -n "$(head -n1 "$work/handshake.out")" ] && break
  kill -0 "$plugin_pid" 2>/dev/null || break
  sleep 0.1
done
line=$(head -n1 "$work/handshake.out")
[ -n "$line" ] || fail "with the magic cookie the provider printed no handshake line in 10s; stderr: $(cat "$work/handshake.err")"
[[ "$line" =~ ^1\|6\|(tcp|unix)\|([^|]+)\|grpc(\|.*)?$ ]] || fail "not a go-plugin handshake line: $line"
network=${BASH_REMATCH[1]} addr=${BASH_REMATCH[2]}
if [ "$network" = unix ]; then
  [ -S "$addr" ] || fail "the handshake names the socket $addr, which does not exist"
else
  [[ "$addr" =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "the handshake names $addr, not a loopback port"
fi
kill -0 "$plugin_pid" 2>/dev/null || fail "the provider exited after its handshake"
echo "with the cookie: ${line%%|grpc*}|grpc|..."
kill "$plugin_pid"
wait "$plugin_pid" 2>/dev/null || true
plugin_pid=

if command -v terraform >/dev/null; then
  step "terraform installs the zip from a filesystem mirror and reads its schema"
  mirror="$work/mirror/registry.terraform.io/cloudimages/cloudimages"
  mkdir -p "$mirror" "$work/config"
  cp "$dist/$zip" "$mirror/"
  cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/cloudimages/cloudimages"]
  }
  direct {
    exclude = ["registry.terraform.io/cloudimages/cloudimages"]
  }
}
RC
  cat >"$work/config/main.tf" <<TF
terraform {
  required_providers {
    cloudimages = {
      source  = "cloudimages/cloudimages"
      version = "$version"
    }
  }
}
TF
  tf() { env -u TF_CLI_ARGS -u TF_DATA_DIR TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 terraform -chdir="$work/config" "$@"; }
  tf init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "terraform init from the mirror failed"; }
  grep -q "version *= \"$version\"" "$work/config/.terraform.lock.hcl" ||
    fail "the lock file does not record version $version: $(cat "$work/config/.terraform.lock.hcl")"
  tf providers schema -json >"$work/schema.json" || fail "terraform could not read the provider's schema"
  jq -e '.provider_schemas["registry.terraform.io/cloudimages/cloudimages"].resource_schemas.cloudimages_image' "$work/schema.json" >/dev/null ||
    fail "the schema terraform read has no cloudimages_image"
  echo "terraform installed $version from the zip and read its schema"
fi

step "release-check passed: $(cd "$dist" && ls | grep -E "^($provider|cloudimages-mock)_" | tr '\n' ' ')"

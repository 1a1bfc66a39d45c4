# Shared by the scripts that build a CLI from its Go module (OpenTofu, newer
# Terraform) and run the acceptance tests under it. Source it; it defines:
#
#   module_source MODULE VERSION DEST   copy MODULE@VERSION from the Go module
#                                        proxy into DEST, writable (the module
#                                        cache is read-only); fails loudly
#   drop_missing_cli_config             unset TF_CLI_CONFIG_FILE /
#                                        TOFU_CLI_CONFIG_FILE when they name a
#                                        file that does not exist
#   run_acceptance CLI HOST             every acceptance test and example,
#                                        with CLI as terraform and HOST as
#                                        the default registry host

module_source() {
  local module=$1 version=$2 dest=$3 outside dir
  # From a directory outside the checkout, so that nothing reads or touches
  # our go.mod and go.sum.
  outside=$(mktemp -d)
  dir=$(cd "$outside" && go mod download -json "$module@v$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
    echo "could not download $module@v$version:" >&2
    (cd "$outside" && go mod download -json "$module@v$version") >&2 || true
    rmdir "$outside"
    return 1
  fi
  rmdir "$outside"
  rm -rf "$dest"
  cp -R "$dir" "$dest"
  chmod -R u+w "$dest"
}

drop_missing_cli_config() {
  # A CLI configuration file named in the environment but missing makes tofu
  # print a warning on stdout before its version, where terraform-exec (which
  # terraform-plugin-testing runs 'version' through) then finds no version
  # and fails every test. Such a variable configures nothing: drop it.
  local var
  for var in TF_CLI_CONFIG_FILE TOFU_CLI_CONFIG_FILE; do
    if [ -n "${!var:-}" ] && [ ! -f "${!var}" ]; then
      echo "$var=${!var} does not exist: unset for the tests"
      unset "$var"
    fi
  done
}

run_acceptance() {
  local cli=$1 host=$2
  # TF_ACC_PROVIDER_HOST: the registry where a source address without a host
  # ("cloudimages/cloudimages") lives for this CLI. terraform-plugin-testing
  # uses it for the in-process providers, internal/acctest for its mirror.
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" TF_ACC_PROVIDER_HOST="$host" \
    go test -count=1 -timeout 30m -parallel "${TEST_PARALLEL:-4}" -run "${TEST_RUN:-TestAcc|TestExamples}" ./internal/...
}

// Command terraform-provider-cloudimages serves the Cloud Images provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider in debug mode (for delve); prints TF_REATTACH_PROVIDERS")
	flag.Parse()
	if !debug {
		quietUnlessLogging()
	}

	tuneGC()
	stopProfiles := startProfiles()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         provider.Address,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfiles()
	if err != nil {
		log.Fatal(err)
	}
}

// quietUnlessLogging turns the plugin libraries' logs off when no TF_LOG*
// variable is set. They default to TRACE and send every line to terraform,
// which decodes and then drops them when it is not logging: about 280 lines
// per resource and half the CPU time of a plan over many images. Terraform
// passes its environment to the provider, so a user who sets TF_LOG (or any
// TF_LOG_*) gets every log as before.
func quietUnlessLogging() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	// The provider's own logger (tflog) takes its level from
	// TF_LOG_PROVIDER_<TYPE> (terraform-plugin-go's tf6server), not from
	// TF_LOG_PROVIDER: without it, every tflog line of the provider was
	// still written at TRACE.
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_CLOUDIMAGES"} {
		_ = os.Setenv(name, "off")
	}
}

// tuneGC lets the heap grow to 5× the live data between collections (Go's
// default is 2×) under a soft limit of 64 MiB. A refresh allocates about
// 3 MiB per resource in the plugin libraries' conversions, almost all of it
// short-lived, over a live heap of a few MiB: with the defaults the provider
// peaked at 106 MiB RSS in a 500-image refresh (the garbage of ten resources
// in flight, doubled), with these at 81 MiB, for the same CPU time (see
// BENCHMARKS.md, issue 19). Above the limit Go keeps collecting, with at most
// half the CPU, so a larger live heap still works. GOGC and GOMEMLIMIT, when
// set, win as usual.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

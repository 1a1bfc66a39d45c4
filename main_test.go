package main

import (
	"os"
	"strings"
	"testing"
)

// clearLogEnv removes every TF_LOG* variable for the test (restored after).
func clearLogEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") {
			t.Setenv(name, "") // registers the restore
			os.Unsetenv(name)
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_CLOUDIMAGES"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

func TestQuietUnlessLogging(t *testing.T) {
	clearLogEnv(t)
	quietUnlessLogging()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_CLOUDIMAGES"} {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("without TF_LOG: %s = %q, want off", name, got)
		}
	}

	clearLogEnv(t)
	t.Setenv("TF_LOG", "DEBUG")
	quietUnlessLogging()
	if got, set := os.LookupEnv("TF_LOG_SDK"); set {
		t.Errorf("with TF_LOG set, TF_LOG_SDK was set to %q", got)
	}
}

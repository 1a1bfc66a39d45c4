package main

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
)

// startProfiles writes pprof profiles of this provider process when
// CLOUDIMAGES_PROFILE_DIR names a directory (off by default; for
// performance work only): cpu-<pid>.pprof, and allocs-<pid>.pprof and
// heap-<pid>.pprof when the process ends. Terraform starts several provider
// processes per command; `go tool pprof DIR/cpu-*.pprof` merges them. The
// returned function writes the profiles; it also runs when the process gets
// SIGTERM instead of returning from Serve.
func startProfiles() (stop func()) {
	dir := os.Getenv("CLOUDIMAGES_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		log.Printf("CLOUDIMAGES_PROFILE_DIR: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Printf("CLOUDIMAGES_PROFILE_DIR: %v", err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { writeProfiles(cpu, name) }) }
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM)
	go func() {
		<-signals
		stop()
		os.Exit(1)
	}()
	return stop
}

func writeProfiles(cpu *os.File, name func(string) string) {
	pprof.StopCPUProfile()
	_ = cpu.Close()
	// The heap profile shows what was live at the last collection but one:
	// two, so that it is what is live now.
	runtime.GC()
	runtime.GC()
	for _, kind := range []string{"allocs", "heap"} {
		if f, err := os.Create(name(kind)); err == nil {
			_ = pprof.Lookup(kind).WriteTo(f, 0)
			_ = f.Close()
		}
	}
}

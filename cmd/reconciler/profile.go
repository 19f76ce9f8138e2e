package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to the file named by RECONCILER_CPUPROFILE,
// for developers measuring a command (see scripts/bench-up.sh). It returns the
// function that stops it; with the variable unset both are no-ops.
func startProfile(stderr io.Writer) func() {
	path := os.Getenv("RECONCILER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "reconciler: RECONCILER_CPUPROFILE: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "reconciler: RECONCILER_CPUPROFILE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

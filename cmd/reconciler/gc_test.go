package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		gogc string
		set  func()
		want int
	}{
		{"", gcForOneShot, oneShotGCPercent},
		{"", gcForLongRunning, 100},
		{"50", gcForOneShot, 50}, // GOGC wins: the target stays what the runtime took from it
	} {
		t.Setenv("GOGC", tc.gogc)
		debug.SetGCPercent(map[string]int{"": 100, "50": 50}[tc.gogc])
		tc.set()
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("GOGC=%q: target %d, want %d", tc.gogc, got, tc.want)
		}
	}
}

func TestStartProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.out")
	t.Setenv("RECONCILER_CPUPROFILE", path)
	stop := startProfile(io.Discard)
	stop()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("profile %s: %v (size %d)", path, err, sizeOf(fi))
	}
	t.Setenv("RECONCILER_CPUPROFILE", "")
	startProfile(io.Discard)() // unset: a no-op that must not panic
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return -1
	}
	return fi.Size()
}

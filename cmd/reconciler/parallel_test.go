package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/reconciler"
)

func TestParallelFor(t *testing.T) {
	tests := []struct {
		engine     string
		flag, want int
	}{
		{engineEmbedded, 0, reconciler.DefaultParallel},
		{engineDocker, 0, reconciler.DefaultDockerParallel},
		{engineDocker, 3, 3},
		{engineEmbedded, 64, 64},
	}
	for _, tc := range tests {
		a := &app{g: globalOptions{engine: tc.engine}}
		if got := a.parallelFor(tc.flag); got != tc.want {
			t.Errorf("engine %s, --parallel %d: got %d, want %d", tc.engine, tc.flag, got, tc.want)
		}
	}
}

func TestParallelNegativeIsUsageError(t *testing.T) {
	f := examplePath(t, "web-db", "compose.yaml")
	for _, args := range [][]string{
		{"up", "-f", f, "--parallel", "-1"},
		{"down", "-p", "x", "--parallel", "-1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv(envState, filepath.Join(t.TempDir(), "state.db"))
			_, stderr, code := runCLI(t, args...)
			if code != exitError || !strings.Contains(stderr, "--parallel -1") {
				t.Fatalf("code %d, stderr %q; want %d and --parallel -1", code, stderr, exitError)
			}
		})
	}
}

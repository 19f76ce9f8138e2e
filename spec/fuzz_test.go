package spec_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

// FuzzLoad: any bytes as a compose file give an error or a Desired, never a panic; an
// error is always a *spec.ValidationError with at least one problem.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/awesome-compose/*/compose.y*ml")
	more, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, s := range append(seeds, more...) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("services:\n  a: {image: x, ports: ['1-3:1-3'], depends_on: [a]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := spec.Load(context.Background(), spec.Options{Files: []string{file}, ProjectName: "fuzz", Environ: []string{}})
		if err != nil {
			var ve *spec.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error is not a *spec.ValidationError with problems: %T %v", err, err)
			}
			return
		}
		if d.Project != "fuzz" {
			t.Fatalf("project %q", d.Project)
		}
	})
}

package spec_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/reconciler/reconciler/spec"
)

// bigCompose writes a compose file of n services, each with an image, a published port,
// environment, a named volume, a bind mount, two networks, a healthcheck, labels and a
// depends_on on the previous service.
func bigCompose(b *testing.B, n int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("name: bench\nservices:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, `  svc%d:
    image: registry.example.com/team/app%d:1.%d
    command: ["serve", "--port", "8080"]
    environment:
      INDEX: "%d"
      MODE: production
    ports: ["%d:8080"]
    volumes: ["data%d:/data", "./conf/%d:/etc/app:ro"]
    networks: [front, back]
    healthcheck: {test: ["CMD", "true"], interval: 10s, retries: 3}
    labels: {com.example.index: "%d"}
    restart: unless-stopped
`, i, i, i, i, 10000+i, i%10, i, i)
		if i > 0 {
			fmt.Fprintf(&sb, "    depends_on: [svc%d]\n", i-1)
		}
	}
	sb.WriteString("networks:\n  front: {}\n  back: {}\nvolumes:\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&sb, "  data%d: {}\n", i)
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return file
}

// BenchmarkLoad1000 is spec.Load (compose-go loading, checks, Desired) of 1000 services.
func BenchmarkLoad1000(b *testing.B) {
	file := bigCompose(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		d, err := spec.Load(context.Background(), spec.Options{Files: []string{file}, Environ: []string{}})
		if err != nil || len(d.Services) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeGoLoadProject1000 is compose-go's own LoadProject on the same file,
// the baseline for BenchmarkLoad1000.
func BenchmarkComposeGoLoadProject1000(b *testing.B) {
	file := bigCompose(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		opts, err := cli.NewProjectOptions([]string{file}, cli.WithEnv([]string{}), cli.WithResolvedPaths(true))
		if err != nil {
			b.Fatal(err)
		}
		p, err := opts.LoadProject(context.Background())
		if err != nil || len(p.Services) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromProject1000 is the Desired-building part of Load alone (hashes, Fields,
// create requests for 1000 services).
func BenchmarkFromProject1000(b *testing.B) {
	file := bigCompose(b, 1000)
	opts := spec.Options{Files: []string{file}, Environ: []string{}}
	p, err := spec.LoadProject(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := spec.FromProject(p, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeGoLoadProjectNoCheck1000 is compose-go's LoadProject with the options
// spec.Load passes it (no consistency check: spec reimplements it to report every
// problem; no environment resolution: done after, as docker compose does), so that
// BenchmarkLoad1000 minus this is spec's own cost.
func BenchmarkComposeGoLoadProjectNoCheck1000(b *testing.B) {
	file := bigCompose(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		opts, err := cli.NewProjectOptions([]string{file}, cli.WithEnv([]string{}), cli.WithResolvedPaths(true),
			cli.WithConsistency(false), cli.WithoutEnvironmentResolution)
		if err != nil {
			b.Fatal(err)
		}
		p, err := opts.LoadProject(context.Background())
		if err != nil || len(p.Services) != 1000 {
			b.Fatal(err)
		}
	}
}

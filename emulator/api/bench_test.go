package api_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// BenchmarkContainerList1000 is `docker ps -a` through the Engine API: moby's
// client over a unix socket served by api.Serve, 1000 containers in the emulator;
// the engine sub-benchmark is the same call in-process, for the HTTP overhead.
func BenchmarkContainerList1000(b *testing.B) {
	eng, err := emulator.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	rc, err := eng.ImagePull(ctx, "busybox", client.ImagePullOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		_, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:   fmt.Sprintf("bench-%04d", i),
			Config: &container.Config{Image: "busybox", Labels: map[string]string{"com.docker.compose.project": "bench"}},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	sock := filepath.Join(b.TempDir(), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- api.Serve(sctx, l, eng, api.Options{}) }()
	defer func() { cancel(); <-done }()
	cli, err := client.New(client.WithHost("unix://" + sock))
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	for _, bb := range []struct {
		name string
		list func(context.Context, client.ContainerListOptions) (client.ContainerListResult, error)
	}{{"engine", eng.ContainerList}, {"http", cli.ContainerList}, {"docker-cli", dockerPS(b, sock)}} {
		b.Run(bb.name, func(b *testing.B) {
			if bb.list == nil {
				b.Skip("docker CLI not found on PATH")
			}
			for b.Loop() {
				res, err := bb.list(ctx, client.ContainerListOptions{All: true})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Items) != 1000 {
					b.Fatalf("listed %d containers", len(res.Items))
				}
			}
		})
	}
}

// dockerPS lists with the real docker CLI (`docker ps -a`, its default table),
// process start included, as a person would; nil when docker is missing.
func dockerPS(b *testing.B, sock string) func(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	bin, err := exec.LookPath("docker")
	if err != nil {
		return nil
	}
	env := append(os.Environ(), "DOCKER_HOST=unix://"+sock, "DOCKER_CONFIG="+b.TempDir())
	return func(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
		cmd := exec.Command(bin, "ps", "-a")
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			return client.ContainerListResult{}, err
		}
		lines := strings.Count(string(out), "\n") - 1 // minus the header
		return client.ContainerListResult{Items: make([]container.Summary, lines)}, nil
	}
}

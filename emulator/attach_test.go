package emulator_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestContainerAttach(t *testing.T) {
	cases := []struct {
		name     string
		logs     bool
		preStart bool // attach before start, as docker start -a
		want     string
	}{
		{"attach before start sees everything", false, true, "a\nb\n"},
		{"stream only: lines after attach", false, false, "b\n"},
		{"logs and stream", true, false, "a\nb\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			pull(t, e, "busybox")
			id := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox",
				Config: &container.Config{Cmd: []string{"sh", "-c", "echo a; sleep 5; echo b"}}})).ID
			if !tc.preStart {
				must[client.ContainerStartResult](t)(e.ContainerStart(ctx, id, client.ContainerStartOptions{}))
			}
			att, err := e.ContainerAttach(ctx, id, client.ContainerAttachOptions{Stream: true, Stdout: true, Stderr: true, Logs: tc.logs})
			if err != nil {
				t.Fatal(err)
			}
			defer att.Close()
			if tc.preStart {
				must[client.ContainerStartResult](t)(e.ContainerStart(ctx, id, client.ContainerStartOptions{}))
			}
			clk.Advance(10 * time.Second)
			var out, errOut bytes.Buffer
			if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("attached output %q, want %q", out.String(), tc.want)
			}
		})
	}
}

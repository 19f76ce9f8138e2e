package api_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// `docker exec -i` over the API: moby's client writes the input on the
// hijacked connection and half-closes it; the server passes both on to the
// engine, whose output comes back once the input ended. Resizes reach the
// engine and answer with its errors.
func TestExecStdinOverAPI(t *testing.T) {
	cli, _, _ := serveEmulator(t)
	ctx := context.Background()
	pullImage(t, cli, "busybox")
	cr, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "box", Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "infinity"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerStart(ctx, cr.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	x, err := cli.ExecCreate(ctx, "box", client.ExecCreateOptions{Cmd: []string{"sh", "-c", "wc -l; echo done >&2"},
		AttachStdin: true, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	att, err := cli.ExecAttach(ctx, x.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if in, err := cli.ExecInspect(ctx, x.ID, client.ExecInspectOptions{}); err != nil || !in.Running {
		t.Errorf("exec reading its input: %+v %v, want running", in, err)
	}
	if _, err := cli.ExecResize(ctx, x.ID, client.ExecResizeOptions{Height: 30, Width: 100}); err != nil {
		t.Errorf("resize a running exec: %v", err)
	}
	if _, err := io.WriteString(att.Conn, "1\n2\n3\n"); err != nil {
		t.Fatal(err)
	}
	if err := att.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
		t.Fatal(err)
	}
	if out.String() != "3\n" || errOut.String() != "done\n" {
		t.Errorf("stdout %q stderr %q, want %q %q", out.String(), errOut.String(), "3\n", "done\n")
	}
	in, err := cli.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})
	if err != nil || in.Running || in.ExitCode != 0 {
		t.Errorf("after the input ended: %+v %v", in, err)
	}
	if _, err := cli.ExecResize(ctx, x.ID, client.ExecResizeOptions{Height: 30, Width: 100}); !cerrdefs.IsNotFound(err) {
		t.Errorf("resize an ended exec: %v, want not found", err)
	}
	if _, err := cli.ContainerResize(ctx, "box", client.ContainerResizeOptions{Height: 30, Width: 100}); err != nil {
		t.Errorf("resize a running container: %v", err)
	}
	if _, err := cli.ContainerKill(ctx, "box", client.ContainerKillOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerResize(ctx, "box", client.ContainerResizeOptions{Height: 30, Width: 100}); !cerrdefs.IsConflict(err) {
		t.Errorf("resize a stopped container: %v, want conflict", err)
	}
}

package dockerpy_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// scenario drives one docker-py session and records what a caller observes:
// statuses, names, tags, error classes. It must give the same record over
// every engine.
func scenario(ctx context.Context, cli *dockerpy.Client) ([]string, error) {
	var rec []string
	note := func(format string, args ...any) { rec = append(rec, fmt.Sprintf(format, args...)) }
	class := func(err error) string {
		var inf *dockerpy.ImageNotFound
		var nf *dockerpy.NotFound
		var api *dockerpy.APIError
		switch {
		case err == nil:
			return "ok"
		case errors.As(err, &inf):
			return fmt.Sprintf("ImageNotFound(%d, notfound=%v)", inf.NotFound.API.StatusCode, cerrdefs.IsNotFound(err))
		case errors.As(err, &nf):
			return fmt.Sprintf("NotFound(%d, notfound=%v)", nf.API.StatusCode, cerrdefs.IsNotFound(err))
		case errors.As(err, &api):
			return fmt.Sprintf("APIError(%d, conflict=%v)", api.StatusCode, cerrdefs.IsConflict(err))
		default:
			return "other: " + err.Error()
		}
	}
	ok, err := cli.Ping(ctx)
	note("ping %v %s", ok, class(err))

	net1, err := cli.Networks.Create(ctx, "conf_net", client.NetworkCreateOptions{Labels: map[string]string{"t": "1"}})
	if err != nil {
		return rec, err
	}
	note("network %s %s %v", net1.Name(), net1.Driver(), net1.Labels())
	_, err = cli.Networks.Create(ctx, "conf_net", client.NetworkCreateOptions{})
	note("duplicate network: %s", class(err))

	vol, err := cli.Volumes.Create(ctx, client.VolumeCreateOptions{Name: "conf_data"})
	if err != nil {
		return rec, err
	}
	c, _, err := cli.Containers.Run(ctx, "redis:7", dockerpy.RunOptions{
		Name: "conf_cache", Network: "conf_net", Volumes: map[string]string{vol.Name(): "/data"},
		Ports: map[string]string{"6379/tcp": "16379"}, Labels: map[string]string{"app": "conf"}, Detach: true,
	})
	if err != nil {
		return rec, err
	}
	note("run returns %s %s", c.Name(), c.Status())
	if err := c.Reload(ctx); err != nil {
		return rec, err
	}
	note("reloaded %s app=%s ports=%v", c.Status(), c.Labels()["app"], c.Ports())
	img, err := c.Image(ctx)
	if err != nil {
		return rec, err
	}
	note("image tags %v entrypoint %v", img.Tags(), img.Attrs().Config.Entrypoint)

	_, err = cli.Containers.Get(ctx, "conf_missing")
	note("missing container: %s", class(err))
	_, err = cli.Images.Pull(ctx, "unknownimage", dockerpy.PullOptions{})
	note("denied pull: %s", class(err))
	_, err = cli.Images.Get(ctx, "conf-nope:1")
	note("missing image: %s", class(err))
	_, err = cli.Images.Remove(ctx, "redis:7", dockerpy.ImageRemoveOptions{})
	note("remove image in use: %s", class(err))
	err = vol.Remove(ctx, false)
	note("remove volume in use: %s", class(err))

	if err := img.Tag(ctx, "conf/redis", "v1"); err != nil {
		return rec, err
	}
	// Sorted: the order of RepoTags is the engine's (dockerd's reference store
	// sorts them by canonical name).
	note("tagged %v", slices.Sorted(slices.Values(img.Tags())))

	// Attached runs: output only where the engine serves logs (an engine without
	// them gives nil in-process and 501 over HTTP, both read as "no output");
	// a non-zero exit is a ContainerError.
	_, out, err := cli.Containers.Run(ctx, "alpine", dockerpy.RunOptions{Name: "conf_ok", Command: []string{"true"}, Remove: true})
	note("attached ok: %s output=%q", class(err), out)
	_, _, err = cli.Containers.Run(ctx, "alpine", dockerpy.RunOptions{Name: "conf_fail", Command: []string{"sh", "-c", "exit 3"}, Remove: true})
	var ce *dockerpy.ContainerError
	if errors.As(err, &ce) {
		note("attached failure: exit %d stderr=%q", ce.ExitStatus, ce.Stderr)
	} else {
		note("attached failure: %s", class(err))
	}

	list, err := cli.Containers.List(ctx, dockerpy.ListOptions{Filters: client.Filters{}.Add("label", "app=conf")})
	if err != nil {
		return rec, err
	}
	note("listed %d", len(list))
	if err := c.Stop(ctx, nil); err != nil {
		return rec, err
	}
	_ = c.Reload(ctx)
	note("stopped %s exit=%d", c.Status(), c.Attrs().State.ExitCode)
	pr, err := cli.Containers.Prune(ctx, nil)
	note("pruned containers %d %s", len(pr.ContainersDeleted), class(err))
	np, err := cli.Networks.Prune(ctx, nil)
	note("pruned networks %v %s", np.NetworksDeleted, class(err))
	vp, err := cli.Volumes.Prune(ctx, client.Filters{}.Add("all", "true"))
	note("pruned volumes %v %s", vp.VolumesDeleted, class(err))
	return rec, nil
}

// TestScenarioSameInProcessAndOverHTTP runs the scenario on the emulator
// in-process and through moby's client over the Engine API socket: the
// dockerpy layer and its error classes must not tell them apart.
func TestScenarioSameInProcessAndOverHTTP(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	newEngine := func() *emulator.Engine {
		eng, err := emulator.Open(":memory:", emulator.WithClock(clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { eng.Close() })
		return eng
	}

	direct, err := scenario(ctx, dockerpy.New(newEngine()))
	if err != nil {
		t.Fatalf("in-process: %v\n%s", err, strings.Join(direct, "\n"))
	}

	dir, err := os.MkdirTemp("", "dp") // short path: unix socket names are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "e.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- api.Serve(srvCtx, l, newEngine(), api.Options{RequestContext: emulator.WithNotModifiedErrors})
	}()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	mc, err := client.New(client.WithHost("unix://" + sock))
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	overHTTP, err := scenario(ctx, dockerpy.New(mc))
	if err != nil {
		t.Fatalf("over HTTP: %v\n%s", err, strings.Join(overHTTP, "\n"))
	}
	if !slices.Equal(direct, overHTTP) {
		t.Errorf("records differ\nin-process:\n%s\nover HTTP:\n%s", strings.Join(direct, "\n"), strings.Join(overHTTP, "\n"))
	}
	// The record itself: docker-py's classes for dockerd's answers.
	for _, want := range []string{
		"run returns conf_cache created",
		"duplicate network: APIError(409, conflict=true)",
		"missing container: NotFound(404, notfound=true)",
		"denied pull: ImageNotFound(404, notfound=true)",
		"missing image: ImageNotFound(404, notfound=true)",
		"remove image in use: APIError(409, conflict=true)",
		"remove volume in use: APIError(409, conflict=true)",
		"tagged [conf/redis:v1 redis:7]",
		"listed 1",
		"attached failure: exit 3 stderr=\"\"",
	} {
		if !slices.Contains(direct, want) {
			t.Errorf("record lacks %q:\n%s", want, strings.Join(direct, "\n"))
		}
	}
}

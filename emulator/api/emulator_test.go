package api_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// The emulator must satisfy the handler's Backend as it is.
var _ api.Backend = (*emulator.Engine)(nil)

// serveEmulator serves a private in-memory emulator (fake clock) on a unix socket
// in a temp dir with api.Serve, and returns a moby client for it and the socket.
func serveEmulator(t *testing.T) (*client.Client, *emulator.Engine, string) {
	t.Helper()
	eng, err := emulator.Open(":memory:", emulator.WithClock(clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))))
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
	}()
	cli, err := client.New(client.WithHost("unix://" + sock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		eng.Close()
	})
	return cli, eng, sock
}

func pullImage(t *testing.T, cli *client.Client, ref string) {
	t.Helper()
	ctx := context.Background()
	resp, err := cli.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	n := 0
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			t.Fatalf("pull %s: %v", ref, err)
		}
		if msg.Error != nil {
			t.Fatalf("pull %s: %v", ref, msg.Error)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("pull %s: no progress messages streamed", ref)
	}
}

// TestEmulatorScenario drives the emulator through moby's own client over a unix
// socket: the lifecycle the docker CLI and the reconciler use, end to end.
func TestEmulatorScenario(t *testing.T) {
	cli, _, _ := serveEmulator(t)
	ctx := context.Background()

	ping, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if ping.APIVersion != api.MaxAPIVersion || ping.OSType != "linux" {
		t.Errorf("ping = %+v, want API %s on linux", ping, api.MaxAPIVersion)
	}
	if got := cli.ClientVersion(); got != client.MaxAPIVersion {
		t.Errorf("negotiated %s, want the client's maximum %s (server offers %s)", got, client.MaxAPIVersion, api.MaxAPIVersion)
	}

	pullImage(t, cli, "busybox:latest")
	imgs, err := cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs.Items) != 1 || len(imgs.Items[0].RepoTags) != 1 || imgs.Items[0].RepoTags[0] != "busybox:latest" {
		t.Fatalf("images after pull = %+v", imgs.Items)
	}

	netRes, err := cli.NetworkCreate(ctx, "apinet", client.NetworkCreateOptions{Driver: "bridge", Labels: map[string]string{"t": "api"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "apivol", Labels: map[string]string{"t": "api"}}); err != nil {
		t.Fatal(err)
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("label", "t=api")})
	if err != nil {
		t.Fatal(err)
	}
	if len(vols.Items) != 1 || vols.Items[0].Name != "apivol" {
		t.Errorf("volume ls label=t=api = %+v", vols.Items)
	}

	create := func(name string, labels map[string]string) string {
		t.Helper()
		res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:       name,
			Config:     &container.Config{Image: "busybox", Cmd: []string{"sleep", "300"}, Labels: labels},
			HostConfig: &container.HostConfig{NetworkMode: "apinet", Binds: []string{"apivol:/data"}},
		})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return res.ID
	}
	webID := create("web", map[string]string{"app": "web"})
	create("other", map[string]string{"app": "other"})

	if _, err := cli.ContainerStart(ctx, "web", client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	// A second start is dockerd's 304, which the client reports as success.
	if _, err := cli.ContainerStart(ctx, "web", client.ContainerStartOptions{}); err != nil {
		t.Fatalf("second start: %v", err)
	}

	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "app=web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].ID != webID || list.Items[0].Names[0] != "/web" || list.Items[0].State != container.StateRunning {
		t.Fatalf("ps --filter label=app=web = %+v", list.Items)
	}

	ins, err := cli.ContainerInspect(ctx, "web", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ins.Container.Name != "/web" || ins.Container.State == nil || !ins.Container.State.Running {
		t.Fatalf("inspect web = name %q state %+v", ins.Container.Name, ins.Container.State)
	}
	if _, ok := ins.Container.NetworkSettings.Networks["apinet"]; !ok {
		t.Errorf("web is not on apinet: %+v", ins.Container.NetworkSettings.Networks)
	}

	if _, err := cli.NetworkConnect(ctx, "bridge", client.NetworkConnectOptions{Container: "web", EndpointConfig: &network.EndpointSettings{}}); err != nil {
		t.Fatal(err)
	}
	br, err := cli.NetworkInspect(ctx, "bridge", client.NetworkInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := br.Network.Containers[webID]; !ok {
		t.Errorf("bridge containers after connect = %v, want %s", br.Network.Containers, webID)
	}

	// The wait is opened before the stop, as the CLI opens it before start.
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wait := cli.ContainerWait(wctx, "web", client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	evs := cli.Events(wctx, client.EventsListOptions{Since: "1", Filters: client.Filters{}.Add("container", webID).Add("type", "container")})

	zero := 0
	if _, err := cli.ContainerStop(ctx, "web", client.ContainerStopOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	var exit container.WaitResponse
	select {
	case exit = <-wait.Result:
	case err := <-wait.Error:
		t.Fatalf("wait: %v", err)
	}
	ins, err = cli.ContainerInspect(ctx, "web", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ins.Container.State.Running || exit.StatusCode != int64(ins.Container.State.ExitCode) {
		t.Errorf("after stop: running=%v wait status %d, inspect exit %d", ins.Container.State.Running, exit.StatusCode, ins.Container.State.ExitCode)
	}

	var actions []events.Action
	for !containsAction(actions, "stop") {
		select {
		case m := <-evs.Messages:
			if m.Actor.ID != webID || m.Type != events.ContainerEventType {
				t.Fatalf("event outside the filter: %+v", m)
			}
			actions = append(actions, m.Action)
		case err := <-evs.Err:
			t.Fatalf("events: %v (got %v)", err, actions)
		}
	}
	if actions[0] != events.ActionCreate || !containsAction(actions, events.ActionStart) || !containsAction(actions, events.ActionDie) {
		t.Errorf("events for web = %v, want create ... start ... die, stop", actions)
	}
	wcancel()

	if _, err := cli.ContainerRemove(ctx, "web", client.ContainerRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = cli.ContainerInspect(ctx, "web", client.ContainerInspectOptions{})
	if !cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), "No such container: web") {
		t.Errorf("inspect after rm: %v, want not found", err)
	}
	if _, err := cli.NetworkInspect(ctx, netRes.ID, client.NetworkInspectOptions{}); err != nil {
		t.Errorf("network by id: %v", err)
	}
}

func containsAction(list []events.Action, a events.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// TestEmulatorErrorClasses checks that the emulator's errors arrive through the
// wire with dockerd's class (the client maps status codes back to errdefs) and
// text.
func TestEmulatorErrorClasses(t *testing.T) {
	cli, _, _ := serveEmulator(t)
	ctx := context.Background()
	pullImage(t, cli, "busybox:latest")
	if _, err := cli.NetworkCreate(ctx, "busy", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "ca", Config: &container.Config{Image: "busybox", Cmd: []string{"sleep", "300"}}, HostConfig: &container.HostConfig{NetworkMode: "busy"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerStart(ctx, "ca", client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		call  func() error
		class func(error) bool
		text  string
	}{
		{"name conflict", func() error {
			_, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "ca", Config: &container.Config{Image: "busybox"}})
			return err
		}, cerrdefs.IsConflict, `The container name "/ca" is already in use by container "` + res.ID + `"`},
		{"missing image", func() error {
			_, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "nope-image:1"}})
			return err
		}, cerrdefs.IsNotFound, "No such image: nope-image:1"},
		{"remove running", func() error {
			_, err := cli.ContainerRemove(ctx, "ca", client.ContainerRemoveOptions{})
			return err
		}, cerrdefs.IsConflict, "You cannot remove a running container " + res.ID},
		{"network in use", func() error {
			_, err := cli.NetworkRemove(ctx, "busy", client.NetworkRemoveOptions{})
			return err
		}, cerrdefs.IsPermissionDenied, "active endpoints"},
		{"missing volume", func() error {
			_, err := cli.VolumeInspect(ctx, "nope", client.VolumeInspectOptions{})
			return err
		}, cerrdefs.IsNotFound, "no such volume"},
		{"missing network", func() error {
			_, err := cli.NetworkInspect(ctx, "nonet", client.NetworkInspectOptions{})
			return err
		}, cerrdefs.IsNotFound, "network nonet not found"},
		{"bad kill signal", func() error {
			_, err := cli.ContainerKill(ctx, "ca", client.ContainerKillOptions{Signal: "FOO"})
			return err
		}, cerrdefs.IsInvalidArgument, "Invalid signal: FOO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || !tt.class(err) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("err = %v (%T), want class and text %q", err, errors.Unwrap(err), tt.text)
			}
		})
	}
}

// TestWaitConditionsAcrossConnections opens waits before the calls that satisfy
// them, each on its own connection, as the docker CLI does.
func TestWaitConditionsAcrossConnections(t *testing.T) {
	cli, _, _ := serveEmulator(t)
	ctx := context.Background()
	pullImage(t, cli, "busybox:latest")
	if _, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "wr", Config: &container.Config{Image: "busybox", Cmd: []string{"sleep", "300"}}}); err != nil {
		t.Fatal(err)
	}
	// next-exit opened before start: it must see the exit that follows the start.
	next := cli.ContainerWait(ctx, "wr", client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	removed := cli.ContainerWait(ctx, "wr", client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	if _, err := cli.ContainerStart(ctx, "wr", client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ContainerKill(ctx, "wr", client.ContainerKillOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-next.Result:
		if r.StatusCode != 137 {
			t.Errorf("next-exit after SIGKILL = %d, want 137", r.StatusCode)
		}
	case err := <-next.Error:
		t.Fatalf("next-exit: %v", err)
	}
	// not-running on an exited container answers at once.
	nr := cli.ContainerWait(ctx, "wr", client.ContainerWaitOptions{})
	select {
	case r := <-nr.Result:
		if r.StatusCode != 137 {
			t.Errorf("not-running = %d, want 137", r.StatusCode)
		}
	case err := <-nr.Error:
		t.Fatalf("not-running: %v", err)
	}
	if _, err := cli.ContainerRemove(ctx, "wr", client.ContainerRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-removed.Result:
		if r.Error != nil {
			t.Errorf("removed: %+v", r.Error)
		}
	case err := <-removed.Error:
		t.Fatalf("removed: %v", err)
	}
	missing := cli.ContainerWait(ctx, "wr", client.ContainerWaitOptions{})
	select {
	case r := <-missing.Result:
		t.Errorf("wait on a removed container answered %+v, want 404", r)
	case err := <-missing.Error:
		if !cerrdefs.IsNotFound(err) {
			t.Errorf("wait on a removed container: %v, want not found", err)
		}
	}
}

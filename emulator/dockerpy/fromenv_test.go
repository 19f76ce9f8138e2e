package dockerpy

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

var _ Engine = (*emulator.Engine)(nil)

func TestStatePath(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name, env, xdg, want string
	}{
		{"env wins", "/s/env.db", "/x", "/s/env.db"},
		{"xdg", "", "/x", "/x/reconciler/state.db"},
		{"relative xdg ignored", "", "rel", filepath.Join(home, ".local/state/reconciler/state.db")},
		{"home", "", "", filepath.Join(home, ".local/state/reconciler/state.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv(EnvState, tt.env)
			t.Setenv("XDG_STATE_HOME", tt.xdg)
			got, err := StatePath()
			if err != nil || got != tt.want {
				t.Errorf("StatePath() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestFromEnvOpensSharedEmbeddedState(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_HOST", "")
	t.Setenv(EnvState, "")
	t.Setenv("XDG_STATE_HOME", dir)
	ctx := context.Background()
	a, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Volumes.Create(ctx, client.VolumeCreateOptions{Name: "shared"}); err != nil {
		t.Fatal(err)
	}
	// A second client (another CLI invocation) sees the same engine.
	b, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Volumes.Get(ctx, "shared"); err != nil {
		t.Errorf("second client: %v", err)
	}
	if _, ok := a.Engine().(*emulator.Engine); !ok {
		t.Errorf("engine %T, want *emulator.Engine", a.Engine())
	}
}

func TestFromEnvDockerHost(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "docker.sock"))
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.Engine().(*client.Client); !ok {
		t.Errorf("engine %T, want *client.Client", c.Engine())
	}
	// Nothing listens on the socket: Ping reports false with an error.
	if ok, err := c.Ping(context.Background()); ok || err == nil {
		t.Errorf("Ping = %v, %v", ok, err)
	}
	// An engine served at DOCKER_HOST (`reconciler engine serve`) answers.
	dir, err := os.MkdirTemp("", "dpenv") // short path: unix socket names are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "e.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- api.Serve(ctx, l, testEngine(t), api.Options{}) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	served2, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer served2.Close()
	if ok, err := served2.Ping(ctx); !ok || err != nil {
		t.Errorf("Ping over DOCKER_HOST = %v, %v", ok, err)
	}

	t.Setenv("DOCKER_HOST", "not a url")
	if _, err := FromEnv(); err == nil {
		t.Errorf("FromEnv with a bad DOCKER_HOST succeeded")
	}
}

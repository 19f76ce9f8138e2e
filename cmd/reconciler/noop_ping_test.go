package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/client"
)

// TestOpenDockerPingsOnce: opening a dockerd negotiates the API version with
// its one ping, so the first call after it goes straight to the versioned path
// the daemon speaks.
func TestOpenDockerPingsOnce(t *testing.T) {
	dir, err := os.MkdirTemp("", "rcping") // short: unix socket paths are bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		paths []string
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Api-Version", "1.41")
		if strings.HasSuffix(r.URL.Path, "/containers/json") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("[]"))
		}
	}))
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	// A fixed DOCKER_API_VERSION would skip negotiation: unset it (restored after).
	t.Setenv("DOCKER_API_VERSION", "")
	os.Unsetenv("DOCKER_API_VERSION")

	c, err := openDocker(t.Context(), "unix://"+sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ContainerList(t.Context(), client.ContainerListOptions{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"/_ping", "/v1.41/containers/json"}; strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("requests = %v, want %v", paths, want)
	}
}

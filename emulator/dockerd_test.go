package emulator_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

// dockerdHostEnv are the variables naming a real dockerd, in order of
// preference: EMULATOR_DOCKER_HOST for a daemon of one's own, and
// RECONCILER_TEST_DOCKER_HOST, which .ci/run exports after scripts/dockerd.sh start.
var dockerdHostEnv = []string{"EMULATOR_DOCKER_HOST", "RECONCILER_TEST_DOCKER_HOST"}

// TestConformanceDockerd runs the bad-input scenarios on a real dockerd (the
// third target), to check the emulator's error classes and texts against the
// real thing. The daemon must hold busybox:latest and nginx:latest
// (scripts/dockerd.sh imports both). It may be shared with other tests running
// at the same time: the run names and labels its objects under a fresh prefix,
// compares only those, and removes only those.
func TestConformanceDockerd(t *testing.T) {
	var host string
	for _, env := range dockerdHostEnv {
		if host = os.Getenv(env); host != "" {
			break
		}
	}
	if host == "" {
		t.Skip("no real dockerd: EMULATOR_DOCKER_HOST and RECONCILER_TEST_DOCKER_HOST are unset. To run: " +
			"sudo scripts/dockerd.sh start (add --install the first time) && eval \"$(scripts/dockerd.sh env)\"")
	}
	c, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatalf("client for %s: %v", host, err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		t.Fatalf("dockerd at %s does not answer /_ping: %v", host, err)
	}
	for _, ref := range []string{"busybox:latest", "nginx:latest"} {
		if _, err := c.ImageInspect(ctx, ref); err != nil {
			t.Fatalf("dockerd at %s has no %s (scripts/dockerd.sh start imports it): %v", host, ref, err)
		}
	}
	conformance.RunBadInputShared(t, c, nil)
}

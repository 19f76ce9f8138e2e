package dockertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// EnvHost names the environment variable holding the daemon address
// (unix:///path/docker.sock or tcp://host:port) that Start connects to.
const EnvHost = "RECONCILER_TEST_DOCKER_HOST"

// LabelKey is the label every test object carries; its value is the test's id.
const LabelKey = "io.reconciler.dockertest"

// Image is the image scripts/dockerd.sh imports (busybox-static's applets).
const Image = "busybox:latest"

// SkipMessage is what Start says when no daemon is configured.
const SkipMessage = "no real dockerd: " + EnvHost + " is unset. To run the docker-backed tests: " +
	"sudo scripts/dockerd.sh start (add --install the first time) && " +
	"eval \"$(scripts/dockerd.sh env)\""

// Daemon is a connection to the shared real dockerd, scoped to one test.
type Daemon struct {
	// Client is moby's client, negotiated down to the daemon's API version.
	Client *client.Client
	// Host is the address the client dials (the value of EnvHost).
	Host string
	// ID is unique per Start call: the LabelKey value and the name prefix.
	ID string

	mu     sync.Mutex
	images []string
}

// Start connects to the daemon named by EnvHost, or skips the test when the
// variable is unset. A configured but unusable daemon (not answering, or
// without busybox:latest) fails the test rather than skipping. Cleanup,
// registered with t.Cleanup, removes what the test labelled or named.
func Start(t testing.TB) *Daemon {
	t.Helper()
	host := os.Getenv(EnvHost)
	if host == "" {
		t.Skip(SkipMessage)
	}
	c, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatalf("dockertest: client for %s=%s: %v", EnvHost, host, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		c.Close()
		t.Fatalf("dockertest: %s=%s does not answer /_ping: %v (is scripts/dockerd.sh start running?)", EnvHost, host, err)
	}
	if _, err := c.ImageInspect(ctx, Image); err != nil {
		c.Close()
		t.Fatalf("dockertest: daemon %s has no %s: %v (scripts/dockerd.sh start imports it)", host, Image, err)
	}
	d := &Daemon{Client: c, Host: host, ID: newID(t.Name())}
	t.Cleanup(func() {
		if err := d.cleanup(context.Background()); err != nil {
			t.Errorf("dockertest: cleanup of %s: %v", d.ID, err)
		}
		c.Close()
	})
	return d
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// newID makes a short lower-case id from the test name plus random hex, valid
// as a container, network and volume name prefix.
func newID(testName string) string {
	base := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(testName), "-"), "-")
	if len(base) > 24 {
		base = base[len(base)-24:]
		base = strings.TrimLeft(base, "-")
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return "dt" + hex.EncodeToString(b[:]) + "-" + base
}

// Name returns a name unique to this test: the test id, a dash and s.
func (d *Daemon) Name(s string) string { return d.ID + "-" + s }

// Labels returns a fresh map holding the test's label; callers may add to it.
func (d *Daemon) Labels() map[string]string { return map[string]string{LabelKey: d.ID} }

// LabelFilter returns a filter selecting this test's objects, for lists,
// prunes and events.
func (d *Daemon) LabelFilter() client.Filters {
	return make(client.Filters).Add("label", LabelKey+"="+d.ID)
}

// Environ returns the environment a reconciler subprocess needs to drive
// this daemon: DOCKER_HOST and RECONCILER_ENGINE=docker. Use d.ID as the
// compose project name so that cleanup finds what the subprocess made (its
// containers, networks and volumes are named "<project>-..." / "<project>_...").
func (d *Daemon) Environ() []string {
	return []string{"DOCKER_HOST=" + d.Host, "RECONCILER_ENGINE=docker"}
}

// TrackImage registers an image reference (a tag the test made) for removal
// at cleanup.
func (d *Daemon) TrackImage(ref string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.images = append(d.images, ref)
}

// cleanup removes containers, networks and volumes that carry the test label
// or whose name starts with the test id, then tracked image tags.
func (d *Daemon) cleanup(ctx context.Context) error {
	var errs []error
	keep := func(err error, what string) {
		if err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	byLabel, byName := d.LabelFilter(), make(client.Filters).Add("name", d.ID)
	for _, f := range []client.Filters{byLabel, byName} {
		cs, err := d.Client.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		keep(err, "list containers")
		for _, c := range cs.Items {
			_, err := d.Client.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			keep(err, "remove container "+c.ID)
		}
	}
	for _, f := range []client.Filters{byLabel, byName} {
		ns, err := d.Client.NetworkList(ctx, client.NetworkListOptions{Filters: f})
		keep(err, "list networks")
		for _, n := range ns.Items {
			if !strings.HasPrefix(n.Name, d.ID) && n.Labels[LabelKey] != d.ID {
				continue // name filters match substrings
			}
			_, err := d.Client.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			keep(err, "remove network "+n.Name)
		}
	}
	for _, f := range []client.Filters{byLabel, byName} {
		vs, err := d.Client.VolumeList(ctx, client.VolumeListOptions{Filters: f})
		keep(err, "list volumes")
		for _, v := range vs.Items {
			if !strings.HasPrefix(v.Name, d.ID) && v.Labels[LabelKey] != d.ID {
				continue
			}
			_, err := d.Client.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			keep(err, "remove volume "+v.Name)
		}
	}
	d.mu.Lock()
	images := d.images
	d.mu.Unlock()
	for _, ref := range images {
		_, err := d.Client.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true})
		keep(err, "remove image "+ref)
	}
	return joinErrs(errs)
}

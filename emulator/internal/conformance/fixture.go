package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// LabelKey is the label every container, network and volume of a run carries;
// its value is the run's Prefix. Together with the name prefix it is how a run
// finds its own objects on an engine that other tests use at the same time.
const LabelKey = "io.reconciler.conformance"

// DefaultHostPort is the host port "web" publishes on a fresh engine.
const DefaultHostPort = "18080"

// Fixture is the engine state the bad-input scenarios start from. Every name
// below is prefixed with Prefix (so "web" is Prefix+"web"), so that runs on a
// shared daemon do not meet each other's or other tests' objects:
//   - images busybox:latest and nginx:latest (shared, never removed)
//   - network "appnet" 10.10.0.0/24 and network "spare" (no containers)
//   - volume "data"
//   - "web": nginx running `sleep 3600` on appnet, 127.0.0.1:HostPort->80,
//     data at /data, label app=web
//   - "idle": busybox `sleep 60`, created, not started
//
// Containers, networks and volumes carry LabelKey=Prefix.
type Fixture struct {
	Prefix   string // starts every name the run uses; also the LabelKey value
	HostPort string // host port of web's 80/tcp, on 127.0.0.1
	Web      string // container id of web
	Idle     string // container id of idle
	AppNet   string // network id of appnet
}

// NewPrefix returns a fresh run prefix, "cf" plus 8 hex digits and a dash: valid
// at the start of container, network, volume and image names.
func NewPrefix() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return "cf" + hex.EncodeToString(b[:]) + "-"
}

// Name returns the run's name for s: Prefix+s.
func (fx Fixture) Name(s string) string { return fx.Prefix + s }

// Labels returns a fresh map holding the run's label plus key=value pairs.
func (fx Fixture) Labels(kv ...string) map[string]string {
	m := map[string]string{LabelKey: fx.Prefix}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// Expand replaces "{p}" in a scenario's expected message with the run's Prefix.
func (fx Fixture) Expand(msg string) string { return strings.ReplaceAll(msg, "{p}", fx.Prefix) }

// Pull pulls ref and waits for the pull to finish; an image already present is
// kept (so the fixture works on an offline dockerd holding imported images).
func Pull(t testing.TB, api emulator.API, ref string) {
	t.Helper()
	ctx := context.Background()
	if _, err := api.ImageInspect(ctx, ref); err == nil {
		return
	}
	rc, err := api.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
}

// Run creates and starts a container and returns its id.
func Run(t testing.TB, api emulator.API, opts client.ContainerCreateOptions) string {
	t.Helper()
	ctx := context.Background()
	res, err := api.ContainerCreate(ctx, opts)
	if err != nil {
		t.Fatalf("create %s: %v", opts.Name, err)
	}
	if _, err := api.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start %s: %v", opts.Name, err)
	}
	return res.ID
}

// SetupFixture builds the Fixture on api with names under prefix (NewPrefix)
// and web published on hostPort ("" means DefaultHostPort).
func SetupFixture(t testing.TB, api emulator.API, prefix, hostPort string) Fixture {
	t.Helper()
	if hostPort == "" {
		hostPort = DefaultHostPort
	}
	fx := Fixture{Prefix: prefix, HostPort: hostPort}
	ctx := context.Background()
	Pull(t, api, "busybox")
	Pull(t, api, "nginx")
	netRes, err := api.NetworkCreate(ctx, fx.Name("appnet"), client.NetworkCreateOptions{Labels: fx.Labels(),
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.10.0.0/24")}}}})
	if err != nil {
		t.Fatalf("fixture: network appnet: %v", err)
	}
	fx.AppNet = netRes.ID
	if _, err := api.NetworkCreate(ctx, fx.Name("spare"), client.NetworkCreateOptions{Labels: fx.Labels()}); err != nil {
		t.Fatalf("fixture: network spare: %v", err)
	}
	if _, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: fx.Name("data"), Labels: fx.Labels()}); err != nil {
		t.Fatalf("fixture: volume data: %v", err)
	}
	fx.Web = Run(t, api, client.ContainerCreateOptions{
		Name: fx.Name("web"), Image: "nginx",
		Config: &container.Config{Cmd: []string{"sleep", "3600"}, Labels: fx.Labels("app", "web")},
		HostConfig: &container.HostConfig{
			NetworkMode: container.NetworkMode(fx.Name("appnet")),
			Binds:       []string{fx.Name("data") + ":/data"},
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {
				{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: hostPort}}},
		},
	})
	idle, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("idle"), Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "60"}, Labels: fx.Labels()}})
	if err != nil {
		t.Fatalf("fixture: create idle: %v", err)
	}
	fx.Idle = idle.ID
	return fx
}

// Snapshot renders everything observable through list and inspect calls of a
// whole engine, so a test on an engine of its own can assert that a call
// changed nothing. Only the list's Status text ("Up 3 seconds") is left out.
// On an engine other tests use at the same time, compare State instead.
func Snapshot(t testing.TB, api emulator.API) string {
	t.Helper()
	ctx := context.Background()
	var parts []any
	fail := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cl, err := api.ContainerList(ctx, client.ContainerListOptions{All: true})
	fail(err)
	for _, c := range cl.Items {
		c.Status = "" // "Up 3 seconds": moves with the clock, not with calls
		in, err := api.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
		fail(err)
		parts = append(parts, c, in.Container)
	}
	nl, err := api.NetworkList(ctx, client.NetworkListOptions{})
	fail(err)
	sort.Slice(nl.Items, func(i, j int) bool { return nl.Items[i].Name < nl.Items[j].Name })
	for _, n := range nl.Items {
		in, err := api.NetworkInspect(ctx, n.ID, client.NetworkInspectOptions{})
		fail(err)
		parts = append(parts, in.Network)
	}
	vl, err := api.VolumeList(ctx, client.VolumeListOptions{})
	fail(err)
	il, err := api.ImageList(ctx, client.ImageListOptions{})
	fail(err)
	parts = append(parts, vl.Items, il.Items)
	b, err := json.MarshalIndent(parts, "", " ")
	fail(err)
	return string(b)
}

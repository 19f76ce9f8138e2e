package conformance

import (
	"context"
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

// Fixture is the engine state the bad-input scenarios start from:
//   - images busybox:latest and nginx:latest
//   - network "appnet" 10.10.0.0/24 and network "spare" (no containers)
//   - volume "data"
//   - "web": nginx running `sleep 3600` on appnet, 127.0.0.1:18080->80, data at
//     /data, label app=web
//   - "idle": busybox, created, not started
type Fixture struct {
	Web, Idle string // container ids
	AppNet    string // network id
}

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

// SetupFixture builds the Fixture on api.
func SetupFixture(t testing.TB, api emulator.API) Fixture {
	t.Helper()
	ctx := context.Background()
	Pull(t, api, "busybox")
	Pull(t, api, "nginx")
	netRes, err := api.NetworkCreate(ctx, "appnet", client.NetworkCreateOptions{
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.10.0.0/24")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.NetworkCreate(ctx, "spare", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data"}); err != nil {
		t.Fatal(err)
	}
	web := Run(t, api, client.ContainerCreateOptions{
		Name: "web", Image: "nginx",
		Config: &container.Config{Cmd: []string{"sleep", "3600"}, Labels: map[string]string{"app": "web"}},
		HostConfig: &container.HostConfig{
			NetworkMode: "appnet",
			Binds:       []string{"data:/data"},
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {
				{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "18080"}}},
		},
	})
	idle, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "idle", Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "60"}}})
	if err != nil {
		t.Fatal(err)
	}
	return Fixture{Web: web, Idle: idle.ID, AppNet: netRes.ID}
}

// Snapshot renders everything observable through list and inspect calls, so a
// test can assert that a failed call changed nothing.
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

// RunBadInput runs every bad-input case on a fresh engine from newAPI: the call must
// fail with dockerd's class and text and leave the Snapshot unchanged. check, when
// not nil, is called with each error for implementation-specific assertions.
func RunBadInput(t *testing.T, newAPI func(t *testing.T) emulator.API, check func(t *testing.T, err error)) {
	for _, tc := range BadInputCases() {
		t.Run(tc.Name, func(t *testing.T) {
			api := newAPI(t)
			if tc.Since != "" {
				v, err := api.ServerVersion(context.Background(), client.ServerVersionOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if versionLess(v.APIVersion, tc.Since) {
					t.Skipf("behaviour of API %s; server speaks %s", tc.Since, v.APIVersion)
				}
			}
			fx := SetupFixture(t, api)
			before := Snapshot(t, api)
			err := tc.Call(context.Background(), api, fx)
			if err == nil {
				t.Fatal("expected an error")
			}
			if !tc.Class(err) {
				t.Errorf("error %q has the wrong class", err)
			}
			msg := Message(err)
			if p, ok := strings.CutPrefix(tc.Msg, "prefix:"); ok {
				if !strings.HasPrefix(msg, p) {
					t.Errorf("error %q, want prefix %q", msg, p)
				}
			} else if msg != strings.TrimSpace(tc.Msg) {
				t.Errorf("error %q\nwant      %q", msg, tc.Msg)
			}
			if check != nil {
				check(t, err)
			}
			if after := Snapshot(t, api); after != before {
				t.Errorf("state changed by a failed call")
			}
		})
	}
}

// Message is dockerd's message of err: moby's client prefixes the response body's
// message with "Error response from daemon: " and trims it, the emulator returns
// it bare.
func Message(err error) string {
	return strings.TrimSpace(strings.TrimPrefix(err.Error(), "Error response from daemon: "))
}

// versionLess compares API versions "1.41" < "1.44".
func versionLess(a, b string) bool {
	am, an, _ := strings.Cut(a, ".")
	bm, bn, _ := strings.Cut(b, ".")
	if am != bm {
		return atoi(am) < atoi(bm)
	}
	return atoi(an) < atoi(bn)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

package conformance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

func newEngine(t *testing.T) (*emulator.Engine, *clockwork.FakeClock) {
	t.Helper()
	clk := clockwork.NewFakeClockAt(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	e, err := emulator.Open(":memory:", emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, clk
}

func state(t *testing.T, api emulator.API, fx conformance.Fixture) string {
	t.Helper()
	s, err := conformance.State(context.Background(), api, fx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStateIgnoresTimeAndOthers: the clock moving ("Up 5 minutes") and other
// tests' objects coming and going leave the run's State as it was.
func TestStateIgnoresTimeAndOthers(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	fx := conformance.SetupFixture(t, e, conformance.NewPrefix(), "")
	before := state(t, e, fx)

	clk.Advance(5 * time.Minute)
	other := conformance.Run(t, e, client.ContainerCreateOptions{Name: "someone-else", Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "600"}}})
	if _, err := e.NetworkCreate(ctx, "someone-net", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "someone-vol"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: "someone-img:1"}); err != nil {
		t.Fatal(err)
	}
	if got := state(t, e, fx); got != before {
		t.Errorf("State changed with the clock or others' objects:\nbefore %s\nafter  %s", before, got)
	}
	if _, err := e.ContainerRemove(ctx, other, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := state(t, e, fx); got != before {
		t.Error("State changed when another test's container went away")
	}
}

// TestStateSeesTheRunsChanges: each change a wrongly succeeding call could make
// to the run's objects changes State.
func TestStateSeesTheRunsChanges(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(api emulator.API, fx conformance.Fixture) error
	}{
		{"container created under the prefix", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: fx.Name("new"), Image: "busybox",
				Config: &container.Config{Cmd: []string{"sh"}}})
			return err
		}},
		{"container created with the run's label only", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "unprefixed", Image: "busybox",
				Config: &container.Config{Cmd: []string{"sh"}, Labels: fx.Labels()}})
			return err
		}},
		{"idle started", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ContainerStart(ctx, fx.Idle, client.ContainerStartOptions{})
			return err
		}},
		{"web restarted", func(api emulator.API, fx conformance.Fixture) error {
			zero := 0 // no grace period: the fake clock does not move
			_, err := api.ContainerRestart(ctx, fx.Web, client.ContainerRestartOptions{Timeout: &zero})
			return err
		}},
		{"idle renamed", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ContainerRename(ctx, fx.Idle, client.ContainerRenameOptions{NewName: fx.Name("idle2")})
			return err
		}},
		{"web connected to spare", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.NetworkConnect(ctx, fx.Name("spare"), client.NetworkConnectOptions{Container: fx.Web})
			return err
		}},
		{"network created under the prefix", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.NetworkCreate(ctx, fx.Name("n2"), client.NetworkCreateOptions{})
			return err
		}},
		{"spare removed", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.NetworkRemove(ctx, fx.Name("spare"), client.NetworkRemoveOptions{})
			return err
		}},
		{"volume created under the prefix", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: fx.Name("v3")})
			return err
		}},
		{"image tagged under the prefix", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: fx.Name("x:1")})
			return err
		}},
		{"nginx tag moved", func(api emulator.API, fx conformance.Fixture) error {
			_, err := api.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: "nginx:latest"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			fx := conformance.SetupFixture(t, e, conformance.NewPrefix(), "")
			before := state(t, e, fx)
			if err := tc.change(e, fx); err != nil {
				t.Fatal(err)
			}
			if state(t, e, fx) == before {
				t.Error("State did not change")
			}
		})
	}
}

// TestCleanupRemovesOnlyTheRunsObjects: Cleanup takes the run's containers,
// networks, volumes and image tags, and leaves another run's and the shared images.
func TestCleanupRemovesOnlyTheRunsObjects(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	mine := conformance.SetupFixture(t, e, conformance.NewPrefix(), "")
	if _, err := e.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: mine.Name("x:1")}); err != nil {
		t.Fatal(err)
	}
	theirs := conformance.Fixture{Prefix: conformance.NewPrefix()} // another run's objects, no subnet of their own
	conformance.Run(t, e, client.ContainerCreateOptions{Name: theirs.Name("web"), Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "600"}, Labels: theirs.Labels()}})
	if _, err := e.NetworkCreate(ctx, theirs.Name("net"), client.NetworkCreateOptions{Labels: theirs.Labels()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: theirs.Name("vol")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ImageTag(ctx, client.ImageTagOptions{Source: "busybox", Target: theirs.Name("x:1")}); err != nil {
		t.Fatal(err)
	}
	theirsBefore := state(t, e, theirs)

	if err := conformance.Cleanup(ctx, e, mine.Prefix); err != nil {
		t.Fatal(err)
	}
	empty := conformance.Fixture{Prefix: mine.Prefix}
	want := conformance.Fixture{Prefix: "none-"}
	// With the run's objects gone, its State is that of a prefix nothing carries.
	if got, none := state(t, e, empty), state(t, e, want); got != none {
		t.Errorf("objects of the cleaned run remain:\n%s", got)
	}
	if got := state(t, e, theirs); got != theirsBefore {
		t.Errorf("Cleanup touched another run's objects:\nbefore %s\nafter  %s", theirsBefore, got)
	}
	if err := conformance.Cleanup(ctx, e, mine.Prefix); err != nil {
		t.Errorf("a second Cleanup: %v", err)
	}
}

// TestCleanupErrorWraps: CleanupError names the run and unwraps to the failures.
func TestCleanupErrorWraps(t *testing.T) {
	cause := errors.New("boom")
	err := error(&conformance.CleanupError{Prefix: "cf1-", Err: cause})
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is(%v, cause) = false", err)
	}
	if got, want := err.Error(), "conformance: cleanup of run cf1-: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

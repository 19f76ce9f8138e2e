package emulator_test

import (
	"context"
	"errors"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

// TestBadInputChangesNothing: every bad call gets dockerd's error class and text, and
// the engine's observable state is unchanged afterwards (scenarios in
// internal/conformance, shared with the HTTP server and real-dockerd runs).
func TestBadInputChangesNothing(t *testing.T) {
	conformance.RunBadInput(t, func(t *testing.T) emulator.API {
		e, _ := newEngine(t)
		return e
	}, func(t *testing.T, err error) {
		var typed *emulator.Error
		if !errors.As(err, &typed) {
			t.Errorf("error %T is not an *emulator.Error", err)
		}
	})
}

// TestAmbiguousPrefix: a prefix shared by two containers is dockerd's error; a
// unique one finds the container.
func TestAmbiguousPrefix(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	ids := map[byte][]string{}
	for i := 0; i < 40; i++ {
		res, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox"})
		if err != nil {
			t.Fatal(err)
		}
		ids[res.ID[0]] = append(ids[res.ID[0]], res.ID)
	}
	for first, list := range ids {
		_, err := e.ContainerInspect(ctx, string(first), client.ContainerInspectOptions{})
		if len(list) > 1 {
			if !cerrdefs.IsInternal(err) || err.Error() != "Multiple IDs found with provided prefix: "+string(first) {
				t.Errorf("prefix %c shared by %d: got %v", first, len(list), err)
			}
			continue
		}
		got, err := e.ContainerInspect(ctx, list[0][:4], client.ContainerInspectOptions{})
		if err != nil || got.Container.ID != list[0] {
			t.Errorf("unique prefix %s: %v", list[0][:4], err)
		}
	}
}

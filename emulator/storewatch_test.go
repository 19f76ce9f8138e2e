package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// TestStreamWakesOnOtherWriter: with polling made useless (an hour), an event stream
// still sees another connection's writes at once: the store's files are watched.
func TestStreamWakesOnOtherWriter(t *testing.T) {
	reader, path := newFileEngine(t, emulator.WithPollInterval(time.Hour))
	writer, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := reader.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("type", "volume")})
	for i, name := range []string{"w1", "w2", "w3"} {
		if _, err := writer.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name}); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-res.Messages:
			if m.Action != "create" || m.Actor.ID != name {
				t.Fatalf("event %d = %s %s, want create %s", i, m.Action, m.Actor.ID, name)
			}
		case err := <-res.Err:
			t.Fatalf("stream ended: %v", err)
		case <-ctx.Done():
			t.Fatalf("no event for %s from the other writer: the stream was not woken", name)
		}
	}
}

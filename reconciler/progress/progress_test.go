package progress

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func TestParseMode(t *testing.T) {
	tests := []struct {
		flag, env string
		want      Mode
		wantErr   bool
	}{
		{"", "", Auto, false},
		{"", "plain", Plain, false},
		{"tty", "plain", TTY, false},
		{"JSON", "", JSON, false},
		{"none", "", Quiet, false},
		{"quiet", "", Quiet, false},
		{"fancy", "", "", true},
		{"", "fancy", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.flag+"/"+tc.env, func(t *testing.T) {
			t.Setenv(EnvProgress, tc.env)
			got, err := ParseMode(tc.flag)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidMode) {
					t.Fatalf("err = %v, want ErrInvalidMode", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseMode(%q) = %q, %v; want %q", tc.flag, got, err, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		m    Mode
		term bool
		want Mode
	}{
		{Auto, true, TTY}, {Auto, false, Plain}, {Plain, true, Plain}, {TTY, false, TTY}, {Quiet, true, Quiet},
	}
	for _, tc := range tests {
		if got := tc.m.Resolve(tc.term); got != tc.want {
			t.Errorf("%q.Resolve(%v) = %q, want %q", tc.m, tc.term, got, tc.want)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	if !ColorEnabled() {
		t.Error("empty NO_COLOR must leave color on")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorEnabled() {
		t.Error("NO_COLOR=1 must turn color off")
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		s    Summary
		want string
	}{
		{Summary{Added: 3, Changed: 1, Elapsed: 1200 * time.Millisecond}, "Apply complete: 3 added, 1 changed, 0 destroyed in 1.2s"},
		{Summary{Destroyed: 2, Failed: 1, Elapsed: 300 * time.Millisecond}, "Apply failed: 0 added, 0 changed, 2 destroyed, 1 failed in 0.3s"},
		{Summary{Added: 1, Elapsed: 125 * time.Second}, "Apply complete: 1 added, 0 changed, 0 destroyed in 2m5s"},
		{Summary{NoChanges: true}, "No changes. The engine matches the configuration."},
	}
	for _, tc := range tests {
		if got := tc.s.Line(); got != tc.want {
			t.Errorf("Line() = %q, want %q", got, tc.want)
		}
	}
}

func TestPlainElapsedFromFakeClock(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	var out bytes.Buffer
	w := New(&out, Options{Mode: Plain, Clock: clk})
	w.Event(Event{ID: "Container demo-web-1", Text: "Creating", State: Working})
	w.Event(Event{ID: "Container demo-web-1", Text: "Creating", State: Working, Detail: "layer 1/3"})
	clk.Advance(300 * time.Millisecond)
	w.Event(Event{ID: "Container demo-web-1", Text: "Created", State: Done})
	w.Event(Event{ID: "Container demo-db-1", Text: "Error", State: Error, Detail: "boom"})
	clk.Advance(900 * time.Millisecond)
	w.Summary(Summary{Added: 1, Failed: 1})
	want := "Container demo-web-1 Creating\n" +
		"Container demo-web-1 Created 0.3s\n" +
		"Container demo-db-1 Error boom 0.0s\n" +
		"Apply failed: 1 added, 0 changed, 0 destroyed, 1 failed in 1.2s\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPlainDryRunPrefix(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Mode: Plain, Clock: clockwork.NewFakeClockAt(t0), DryRun: true})
	w.Event(Event{ID: "Network demo_default", Text: "Creating"})
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, DryRunPrefix) {
			t.Errorf("line %q lacks the dry-run prefix", l)
		}
	}
}

func TestJSONLines(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	var out bytes.Buffer
	w := New(&out, Options{Mode: JSON, Clock: clk})
	w.Event(Event{ID: "Volume demo_data", Text: "Creating", State: Working})
	w.Event(Event{ID: "Volume demo_data", Text: "Created", State: Done})
	clk.Advance(2 * time.Second)
	w.Summary(Summary{Added: 1})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out.String())
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev["id"] != "Volume demo_data" || ev["text"] != "Created" || ev["status"] != "done" {
		t.Errorf("event = %v", ev)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["type"] != "summary" || sum["added"] != float64(1) || sum["elapsed_seconds"] != float64(2) {
		t.Errorf("summary = %v", sum)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, Options{Mode: Quiet})
	stop := w.Start(context.Background())
	w.Event(Event{ID: "x", Text: "Creating"})
	stop()
	w.Summary(Summary{Added: 1})
	if out.Len() != 0 {
		t.Fatalf("quiet wrote %q", out.String())
	}
}

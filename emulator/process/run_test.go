package process

import (
	"testing"
	"time"

	"github.com/reconciler/reconciler/emulator/shell"
)

func TestRunWallTimeAndActive(t *testing.T) {
	s := time.Second
	r := Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(1 * s), To: t0.Add(4 * s)}, {From: t0.Add(6 * s), To: t0.Add(7 * s)}}}
	open := Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(2 * s)}}}
	cases := []struct {
		name   string
		run    Run
		offset time.Duration
		wall   time.Duration // -1: not reached (held by a pause)
	}{
		{"before any pause", r, s, s}, // a pause starting exactly there does not shift it
		{"after the first pause", r, 2 * s, 5 * s},
		{"after both", r, 5 * s, 9 * s},
		{"open pause holds later offsets", open, 3 * s, -1},
		{"open pause: earlier offsets print", open, s, s},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := tc.run.WallTime(tc.offset)
			if tc.wall < 0 {
				if ok {
					t.Fatalf("WallTime(%v) = %v, want not reached", tc.offset, w.Sub(t0))
				}
				return
			}
			if !ok || w.Sub(t0) != tc.wall {
				t.Fatalf("WallTime(%v) = %v %v, want %v", tc.offset, w.Sub(t0), ok, tc.wall)
			}
			if got := tc.run.Active(w); got != tc.offset {
				t.Errorf("Active(%v) = %v, want %v (the inverse)", tc.wall, got, tc.offset)
			}
		})
	}
	if got := open.Active(t0.Add(time.Hour)); got != 2*s {
		t.Errorf("Active while paused = %v, want 2s", got)
	}
}

func TestRunPauseResumeCopies(t *testing.T) {
	r := Run{Start: t0}.Pause(t0.Add(time.Second))
	shared := r
	r = r.Resume(t0.Add(2 * time.Second))
	if !shared.Paused() || r.Paused() {
		t.Fatalf("Resume changed the original's pauses: %+v / %+v", shared.Pauses, r.Pauses)
	}
}

func TestLogsKeptLinesAndPauses(t *testing.T) {
	cmd := &shell.Result{Stdout: []shell.Line{{Text: "now", Stream: shell.Stdout}, {Offset: 2 * time.Second, Text: "later", Stream: shell.Stdout, Seq: 1}}}
	runs := []Run{
		{Start: t0, End: t0.Add(time.Second), Kept: true, Lines: []shell.Line{{Text: "first run", Stream: shell.Stdout}}},
		{Start: t0.Add(10 * time.Second), Pauses: []PauseSpan{{From: t0.Add(11 * time.Second), To: t0.Add(14 * time.Second)}}},
	}
	got := Logs(cmd, runs, t0.Add(time.Minute))
	want := []struct {
		at   time.Duration
		text string
	}{{0, "first run"}, {10 * time.Second, "now"}, {15 * time.Second, "later"}}
	if len(got) != len(want) {
		t.Fatalf("logs %+v", got)
	}
	for i, w := range want {
		if got[i].Time.Sub(t0) != w.at || got[i].Text != w.text {
			t.Errorf("line %d: %v %q, want %v %q", i, got[i].Time.Sub(t0), got[i].Text, w.at, w.text)
		}
	}
}

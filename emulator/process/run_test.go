package process

import (
	"testing"
	"time"

	"github.com/reconciler/reconciler/emulator/shell"
)

func TestRunActiveWallAndActive(t *testing.T) {
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
			w, ok := tc.run.ActiveWall(tc.offset)
			if tc.wall < 0 {
				if ok {
					t.Fatalf("ActiveWall(%v) = %v, want not reached", tc.offset, w.Sub(t0))
				}
				return
			}
			if !ok || w.Sub(t0) != tc.wall {
				t.Fatalf("ActiveWall(%v) = %v %v, want %v", tc.offset, w.Sub(t0), ok, tc.wall)
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

// WallTime: timers run on while paused; what falls due in a pause happens
// at its end, and the next wait starts then.
func TestRunWallTimeTimersRunWhilePaused(t *testing.T) {
	s := time.Second
	p14 := Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(1 * s), To: t0.Add(4 * s)}}}
	twice := Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(1 * s), To: t0.Add(3 * s)}, {From: t0.Add(4 * s), To: t0.Add(6 * s)}}}
	open := Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(2 * s)}}}
	one := []time.Duration{5 * s}        // echo a; sleep 5; echo b
	two := []time.Duration{2 * s, 5 * s} // echo a; sleep 2; echo b; sleep 3; echo c
	cases := []struct {
		name   string
		run    Run
		wakes  []time.Duration
		offset time.Duration
		wall   time.Duration // -1: held by a pause still in progress
	}{
		{"at the start", p14, one, 0, 0},
		{"a sleep spanning the pause ends on time", p14, one, 5 * s, 5 * s},
		{"a wake in the pause happens at its end", p14, two, 2 * s, 4 * s},
		{"the next wait starts at that end", p14, two, 5 * s, 7 * s},
		{"due in the second of two pauses", twice, one, 5 * s, 6 * s},
		{"due exactly when a pause begins: not delayed", Run{Start: t0, Pauses: []PauseSpan{{From: t0.Add(5 * s), To: t0.Add(9 * s)}}}, one, 5 * s, 5 * s},
		{"an open pause holds what falls due in it", open, one, 5 * s, -1},
		{"an open pause: earlier events happened", open, two, 0, 0},
		{"past the last wake: one wait from it", p14, two[:1], 5 * s, 7 * s},
		{"no wakes: one wait from the start", p14, nil, 2 * s, 4 * s},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := tc.run.WallTime(tc.offset, tc.wakes)
			if tc.wall < 0 {
				if ok {
					t.Fatalf("WallTime(%v) = %v, want held", tc.offset, w.Sub(t0))
				}
				return
			}
			if !ok || w.Sub(t0) != tc.wall {
				t.Fatalf("WallTime(%v) = %v %v, want %v", tc.offset, w.Sub(t0), ok, tc.wall)
			}
		})
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
	cmd := &shell.Result{Stdout: []shell.Line{{Text: "now", Stream: shell.Stdout}, {Offset: 2 * time.Second, Text: "later", Stream: shell.Stdout, Seq: 1}},
		Wakes: []time.Duration{2 * time.Second}}
	runs := []Run{
		{Start: t0, End: t0.Add(time.Second), Kept: true, Lines: []shell.Line{{Text: "first run", Stream: shell.Stdout}}},
		{Start: t0.Add(10 * time.Second), Pauses: []PauseSpan{{From: t0.Add(11 * time.Second), To: t0.Add(14 * time.Second)}}},
	}
	got := Logs(cmd, runs, t0.Add(time.Minute))
	want := []struct {
		at   time.Duration
		text string
	}{{0, "first run"}, {10 * time.Second, "now"}, {14 * time.Second, "later"}} // due at 12, in the pause
	if len(got) != len(want) {
		t.Fatalf("logs %+v", got)
	}
	for i, w := range want {
		if got[i].Time.Sub(t0) != w.at || got[i].Text != w.text {
			t.Errorf("line %d: %v %q, want %v %q", i, got[i].Time.Sub(t0), got[i].Text, w.at, w.text)
		}
	}
}

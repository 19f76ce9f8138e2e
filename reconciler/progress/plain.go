package progress

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// plainWriter prints one line per event: "<id> <text>[ <detail>]", with the elapsed
// time since the resource's first event on final states.
//
// Plain output is for logs: it prints transitions only. A Working event that
// repeats the resource's current verb (a pull's layer progress) is not printed.
type plainWriter struct {
	base
	mu    sync.Mutex
	first map[string]time.Time
	verb  map[string]string // current working verb per ID
}

func (p *plainWriter) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first == nil {
		p.first, p.verb = map[string]time.Time{}, map[string]string{}
	}
	if e.State == Working {
		if p.verb[e.ID] == e.Text {
			return
		}
		p.verb[e.ID] = e.Text
	} else {
		delete(p.verb, e.ID)
	}
	now := p.clock.Now()
	t0, seen := p.first[e.ID]
	if !seen {
		p.first[e.ID] = now
		t0 = now
	}
	line := p.prefix() + e.ID + " " + e.Text
	if e.Detail != "" {
		line += " " + e.Detail
	}
	if e.State != Working {
		line += " " + FormatDuration(now.Sub(t0))
		delete(p.first, e.ID)
	}
	fmt.Fprintln(p.out, line)
}

func (p *plainWriter) Start(context.Context) func() { return func() {} }

func (p *plainWriter) Summary(s Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.out, p.prefix()+p.elapsed(s).Line())
}

// jsonWriter prints one JSON object per event, with compose's field names.
type jsonWriter struct {
	base
	mu sync.Mutex
}

type jsonEvent struct {
	DryRun bool   `json:"dry-run,omitempty"`
	ID     string `json:"id"`
	Text   string `json:"text"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
	Time   string `json:"time"`
}

type jsonSummary struct {
	DryRun    bool    `json:"dry-run,omitempty"`
	Type      string  `json:"type"`
	Added     int     `json:"added"`
	Changed   int     `json:"changed"`
	Destroyed int     `json:"destroyed"`
	Failed    int     `json:"failed"`
	NoChanges bool    `json:"no_changes"`
	Seconds   float64 `json:"elapsed_seconds"`
	Message   string  `json:"message"`
}

func (j *jsonWriter) Event(e Event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	b, _ := json.Marshal(jsonEvent{
		DryRun: j.dryRun, ID: e.ID, Text: e.Text, Status: e.State.String(),
		Detail: e.Detail, Time: j.clock.Now().UTC().Format(time.RFC3339Nano),
	})
	fmt.Fprintln(j.out, string(b))
}

func (j *jsonWriter) Start(context.Context) func() { return func() {} }

func (j *jsonWriter) Summary(s Summary) {
	j.mu.Lock()
	defer j.mu.Unlock()
	s = j.elapsed(s)
	b, _ := json.Marshal(jsonSummary{
		DryRun: j.dryRun, Type: "summary", Added: s.Added, Changed: s.Changed,
		Destroyed: s.Destroyed, Failed: s.Failed, NoChanges: s.NoChanges,
		Seconds: s.Elapsed.Seconds(), Message: s.Line(),
	})
	fmt.Fprintln(j.out, string(b))
}

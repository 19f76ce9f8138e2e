package progress

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// MaxTTYLines bounds the redrawn block: with more resources than this, finished
// lines are folded into one count so the block never outgrows a terminal.
const MaxTTYLines = 30

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

const (
	ansiUp        = "\x1b[%dA"
	ansiClearLine = "\r\x1b[2K"
	ansiHide      = "\x1b[?25l"
	ansiShow      = "\x1b[?25h"
	colorReset    = "\x1b[0m"
	colorGreen    = "\x1b[32m"
	colorRed      = "\x1b[31m"
	colorYellow   = "\x1b[33m"
	colorBlue     = "\x1b[34m"
)

type ttyLine struct {
	id, text, detail string
	state            State
	start, end       time.Time
}

// ttyWriter redraws a block: a header "[+] Running done/total" and one line per
// resource with a spinner or final mark, its status and its elapsed time.
type ttyWriter struct {
	base
	color bool
	title string

	mu      sync.Mutex
	lines   []*ttyLine
	byID    map[string]*ttyLine
	drawn   int // lines drawn by the previous render, to move back over
	started bool
}

func newTTY(b base, opts Options) *ttyWriter {
	return &ttyWriter{base: b, color: opts.Color, title: opts.Title, byID: map[string]*ttyLine{}}
}

func (t *ttyWriter) Event(e Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	l, ok := t.byID[e.ID]
	if !ok {
		l = &ttyLine{id: e.ID, start: now}
		t.byID[e.ID] = l
		t.lines = append(t.lines, l)
	} else if l.state != Working && e.State == Working {
		l.start = now // a new step of the same resource
	}
	l.text, l.detail, l.state = e.Text, e.Detail, e.State
	if e.State != Working {
		l.end = now
	}
}

// Start hides the cursor and redraws every RedrawInterval until stop is called;
// stop draws the final block and shows the cursor again.
func (t *ttyWriter) Start(ctx context.Context) func() {
	t.mu.Lock()
	t.started = true
	fmt.Fprint(t.out, ansiHide)
	t.mu.Unlock()
	ticker := t.clock.NewTicker(RedrawInterval)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.Chan():
				t.render()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			ticker.Stop()
			<-done
			t.render()
			t.mu.Lock()
			fmt.Fprint(t.out, ansiShow)
			t.mu.Unlock()
		})
	}
}

func (t *ttyWriter) Summary(s Summary) {
	t.mu.Lock()
	needDraw := t.drawn == 0 && len(t.lines) > 0
	t.mu.Unlock()
	if needDraw {
		t.render()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	line := t.prefix() + t.elapsed(s).Line()
	switch {
	case !t.color:
	case s.Failed > 0:
		line = colorRed + line + colorReset
	default:
		line = colorGreen + line + colorReset
	}
	fmt.Fprintln(t.out, line)
	t.drawn = 0
}

// render redraws the block in place.
func (t *ttyWriter) render() {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, ansiUp, t.drawn)
	}
	done := 0
	for _, l := range t.lines {
		if l.state != Working {
			done++
		}
	}
	header := fmt.Sprintf("%s[+] %s %d/%d", t.prefix(), t.title, done, len(t.lines))
	if t.color && done == len(t.lines) {
		header = colorBlue + header + colorReset
	}
	rows := []string{header}
	shown, folded := t.visible()
	if folded > 0 {
		rows = append(rows, fmt.Sprintf(" … %d finished", folded))
	}
	width := 0
	for _, l := range shown {
		if n := len([]rune(l.id)) + 1 + len([]rune(l.text)); n > width {
			width = n
		}
	}
	for _, l := range shown {
		rows = append(rows, t.row(l, now, width))
	}
	for _, r := range rows {
		b.WriteString(ansiClearLine)
		b.WriteString(r)
		b.WriteByte('\n')
	}
	t.drawn = len(rows)
	fmt.Fprint(t.out, b.String())
}

// visible picks at most MaxTTYLines-1 lines: all working ones first in order, then
// the most recent finished ones; it returns how many finished lines it folded.
func (t *ttyWriter) visible() ([]*ttyLine, int) {
	limit := MaxTTYLines - 1
	if len(t.lines) <= limit {
		return t.lines, 0
	}
	limit-- // room for the fold line
	keep := make(map[*ttyLine]bool, limit)
	for _, l := range t.lines {
		if len(keep) < limit && l.state == Working {
			keep[l] = true
		}
	}
	for i := len(t.lines) - 1; i >= 0 && len(keep) < limit; i-- {
		keep[t.lines[i]] = true
	}
	out := make([]*ttyLine, 0, limit)
	for _, l := range t.lines {
		if keep[l] {
			out = append(out, l)
		}
	}
	return out, len(t.lines) - len(out)
}

func (t *ttyWriter) row(l *ttyLine, now time.Time, width int) string {
	end := now
	mark, color := spinnerFrames[int(now.Sub(l.start)/RedrawInterval)%len(spinnerFrames)], ""
	switch l.state {
	case Done:
		mark, color, end = "✔", colorGreen, l.end
	case Warning:
		mark, color, end = "!", colorYellow, l.end
	case Error:
		mark, color, end = "✘", colorRed, l.end
	}
	label := l.id + " " + l.text
	pad := strings.Repeat(" ", width-len([]rune(label)))
	status := l.text
	if t.color && color != "" {
		status = color + l.text + colorReset
		mark = color + mark + colorReset
	}
	s := fmt.Sprintf(" %s %s %s%s %6s", mark, l.id, status, pad, FormatDuration(end.Sub(l.start)))
	if l.detail != "" {
		s += "  " + l.detail
	}
	return s
}

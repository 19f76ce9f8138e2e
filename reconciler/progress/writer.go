package progress

import (
	"context"
	"io"
	"time"

	"github.com/jonboulle/clockwork"
)

// Writer receives events and renders them. Implementations are safe for concurrent
// use: the executor reports from several goroutines.
type Writer interface {
	// Event records one status change.
	Event(e Event)
	// Start begins periodic redraws (tty mode) and returns the function that stops
	// them and draws the final state. Other modes return a no-op.
	Start(ctx context.Context) (stop func())
	// Summary prints the closing line. Quiet prints nothing.
	Summary(s Summary)
}

// Options configure New.
type Options struct {
	// Mode must be resolved (not Auto); Auto is treated as Plain.
	Mode Mode
	// Clock defaults to the real clock.
	Clock clockwork.Clock
	// Color enables ANSI colors in tty mode (callers pass ColorEnabled()).
	Color bool
	// DryRun prefixes every line, as compose does.
	DryRun bool
	// Title is the tty header's verb ("Running" by default).
	Title string
}

// RedrawInterval is how often tty mode redraws (compose: 100 ms).
const RedrawInterval = 100 * time.Millisecond

// DryRunPrefix starts every line in dry-run mode.
const DryRunPrefix = "DRY-RUN MODE - "

// New returns the writer for opts.Mode, writing to out.
func New(out io.Writer, opts Options) Writer {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Title == "" {
		opts.Title = "Running"
	}
	base := base{out: out, clock: opts.Clock, start: opts.Clock.Now(), dryRun: opts.DryRun}
	switch opts.Mode {
	case TTY:
		return newTTY(base, opts)
	case JSON:
		return &jsonWriter{base: base}
	case Quiet:
		return quiet{}
	default:
		return &plainWriter{base: base}
	}
}

// base holds what every writer shares.
type base struct {
	out    io.Writer
	clock  clockwork.Clock
	start  time.Time
	dryRun bool
}

func (b *base) prefix() string {
	if b.dryRun {
		return DryRunPrefix
	}
	return ""
}

func (b *base) elapsed(s Summary) Summary {
	if s.Elapsed == 0 {
		s.Elapsed = b.clock.Since(b.start)
	}
	return s
}

type quiet struct{}

func (quiet) Event(Event)                         {}
func (quiet) Start(context.Context) (stop func()) { return func() {} }
func (quiet) Summary(Summary)                     {}

// Discard is a Writer that renders nothing.
var Discard Writer = quiet{}

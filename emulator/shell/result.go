package shell

import (
	"slices"
	"time"
)

// Stream numbers, as in the Docker log and attach framing.
const (
	Stdout = 1
	Stderr = 2
)

// Line is one line a command printed, without its trailing newline.
type Line struct {
	// Offset is the simulated time since the command started at which the line
	// was printed.
	Offset time.Duration
	// Stream is Stdout or Stderr.
	Stream int
	// Text is the line. When Stamp is set, Render prefixes it with the wall time.
	Text string
	// Stamp, when non-empty, is a Go time layout: the program prints the wall
	// time (start + Offset, UTC) in that layout between Prefix and Text, as
	// servers do in their log lines. Use Render.
	Stamp string
	// Prefix is printed before the stamp (only used with Stamp).
	Prefix string
	// Seq orders lines of both streams in the order they were printed.
	Seq int
	// Partial: the command's output ended without a newline after this line
	// (printf 'x'); logs print it without one, as dockerd's json-file does.
	Partial bool `json:",omitempty"`
}

// Render returns the text as printed by a command started at start.
func (l Line) Render(start time.Time) string {
	if l.Stamp == "" {
		return l.Text
	}
	return l.Prefix + start.Add(l.Offset).UTC().Format(l.Stamp) + l.Text
}

// Server describes the long-running server a command ended in.
type Server struct {
	// Name is the program, e.g. "nginx", "postgres", "redis-server", "app".
	Name string
	// ReadyAfter is the offset from the command start at which the server
	// accepts connections (its start-up lines are printed by then).
	ReadyAfter time.Duration
	// Ports are the TCP ports it listens on once ready (may be empty when unknown).
	Ports []int
	// GracefulSignals are the signals after which it shuts down cleanly (exit 0).
	GracefulSignals []string
	// IgnoredSignals are signals it handles without exiting (e.g. SIGHUP: reload).
	IgnoredSignals []string
}

// Listens reports whether the server listens on port (true for any port when
// Ports is empty).
func (s *Server) Listens(port int) bool {
	return s != nil && (len(s.Ports) == 0 || port == 0 || slices.Contains(s.Ports, port))
}

// Result is what running a command did. It is a pure value: the same inputs
// (argv, Context, filesystem contents) give an identical Result.
type Result struct {
	// ExitCode is the exit status; meaningless when RunsForever.
	ExitCode int
	// Stdout and Stderr are the lines printed, in order, each with its offset.
	Stdout, Stderr []Line
	// Duration is the simulated time the command took (sleeps included). When
	// RunsForever it is the offset at which the never-ending part began (for a
	// server: when it became ready, after its last start-up line).
	Duration time.Duration
	// RunsForever is set for commands that never exit on their own (servers,
	// `sleep infinity`, `tail -f`, a shell waiting on an open stdin).
	RunsForever bool
	// Server is set when the never-ending part is a known server.
	Server *Server
	// Wakes are the offsets, ascending, at which the command acted again
	// after waiting on a timer (sleep, a server's start-up steps); at most
	// maxWakes. While a container is paused its timers keep running (as the
	// kernel's do under a cgroup freeze): process.Run.WallTime uses them.
	Wakes []time.Duration `json:",omitempty"`
	// Dir is the working directory a shell reading its commands from stdin
	// ended in ("" otherwise): what an interactive session's prompt shows.
	Dir string `json:",omitempty"`
}

// Lines returns the lines of both streams in the order they were printed.
func (r *Result) Lines() []Line {
	out := make([]Line, 0, len(r.Stdout)+len(r.Stderr))
	out = append(append(out, r.Stdout...), r.Stderr...)
	slices.SortStableFunc(out, func(a, b Line) int { return a.Seq - b.Seq })
	return out
}

// Output returns the text of both streams interleaved, each line ending in a
// newline (Stamp-prefixed lines rendered at start), as `exec_run` returns it.
func (r *Result) Output(start time.Time) string {
	var n int
	lines := r.Lines()
	for _, l := range lines {
		n += len(l.Text) + 1
	}
	b := make([]byte, 0, n)
	for _, l := range lines {
		b = append(b, l.Render(start)...)
		if !l.Partial {
			b = append(b, '\n')
		}
	}
	return string(b)
}

package emulator

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// logTimeLayout is dockerd's timestamp layout in logs (RFC 3339 with a fixed
// nine-digit fraction).
const logTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// logEntries is what c's command printed in every run up to now.
func (c *ctrRec) logEntries(now time.Time) []process.LogEntry {
	if c.Proc == nil {
		return nil
	}
	return process.Logs(&c.Proc.Command, c.Runs, now)
}

// logFilter selects and renders log entries as ContainerLogs' options ask.
type logFilter struct {
	stdout, stderr, timestamps, tty bool
	since, until                    time.Time // zero: unbounded
	// waitCreated keeps a follow open while the container is still created
	// (attach before start).
	waitCreated bool
}

func (f *logFilter) keep(l process.LogEntry) bool {
	if l.Stream == shell.Stderr && !f.stderr || l.Stream != shell.Stderr && !f.stdout {
		return false
	}
	if !f.since.IsZero() && l.Time.Before(f.since) {
		return false
	}
	return f.until.IsZero() || !l.Time.After(f.until)
}

// render writes l as dockerd sends it: raw with a TTY, else in a multiplexed
// frame (stream byte, three zero bytes, big-endian payload size).
func (f *logFilter) render(w *bytes.Buffer, l process.LogEntry) {
	var line bytes.Buffer
	if f.timestamps {
		line.WriteString(l.Time.UTC().Format(logTimeLayout))
		line.WriteByte(' ')
	}
	line.WriteString(l.Text)
	if f.tty {
		if !l.Partial {
			line.WriteString("\r\n")
		}
		w.Write(line.Bytes())
		return
	}
	if !l.Partial { // dockerd's json-file keeps a last line without newline as it is
		line.WriteByte('\n')
	}
	writeFrame(w, l.Stream, line.Bytes())
}

// writeFrame writes one multiplexed stream frame.
func writeFrame(w *bytes.Buffer, stream int, payload []byte) {
	var hdr [8]byte
	hdr[0] = byte(stream)
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
	w.Write(hdr[:])
	w.Write(payload)
}

// parseLogTime reads a since/until value as dockerd and the docker CLI accept
// it: unix seconds with an optional fraction, an RFC 3339 time or date, or a
// Go duration counted back from now ("10m").
func parseLogTime(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	sec, frac, hasFrac := strings.Cut(v, ".")
	if s, err := strconv.ParseInt(sec, 10, 64); err == nil {
		var ns int64
		if hasFrac {
			if ns, err = strconv.ParseInt((frac + "000000000")[:9], 10, 64); err != nil {
				return time.Time{}, errInvalid("invalid value for time: %q", v)
			}
		}
		return time.Unix(s, ns).UTC(), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errInvalid("invalid value for time: %q", v)
}

// ContainerLogs returns what the container's command printed, with dockerd's
// framing (multiplexed stdout/stderr frames unless the container has a TTY).
// Lines are stamped with the engine-clock time they were printed; since and
// until bound them, tail keeps the last N of the selection. With Follow the
// stream stays open, delivering lines as the clock reaches them, until the
// container stops or is removed, the context ends or the reader is closed.
func (e *Engine) ContainerLogs(ctx context.Context, ref string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	if err := e.faultContainer(ctx, OpContainerLogs, ref); err != nil { // fault injection (faults.go)
		return nil, err
	}
	if !options.ShowStdout && !options.ShowStderr {
		return nil, errInvalid("Bad parameters: you must choose at least one stream")
	}
	now := e.now()
	since, err := parseLogTime(options.Since, now)
	if err != nil {
		return nil, errInvalid(`invalid value for "since": %q`, options.Since)
	}
	until, err := parseLogTime(options.Until, now)
	if err != nil {
		return nil, errInvalid(`invalid value for "until": %q`, options.Until)
	}
	tail := math.MaxInt
	if n, err := strconv.Atoi(options.Tail); err == nil && n >= 0 {
		tail = n
	}
	var (
		id      string
		entries []process.LogEntry
		running bool
		seq     int64
	)
	f := &logFilter{stdout: options.ShowStdout, stderr: options.ShowStderr, timestamps: options.Timestamps, since: since, until: until}
	err = e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		id, f.tty, running = c.ID, c.Config.Tty, c.State.Running || c.State.Restarting
		entries = c.logEntries(e.now())
		if options.Follow {
			seq, err = e.st.lastEventSeq(ctx)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var kept []process.LogEntry
	for _, l := range entries {
		if f.keep(l) {
			kept = append(kept, l)
		}
	}
	if len(kept) > tail {
		kept = kept[len(kept)-tail:]
	}
	var buf bytes.Buffer
	for _, l := range kept {
		f.render(&buf, l)
	}
	if !options.Follow || !running || (!until.IsZero() && !until.After(now)) {
		return io.NopCloser(&buf), nil
	}
	pr, pw := io.Pipe()
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		if _, err := pw.Write(buf.Bytes()); err != nil {
			return
		}
		pw.CloseWithError(e.followLogs(ctx, id, seq, len(entries), f, pw))
	}()
	return pr, nil
}

// followLogs writes c's log lines after the first done ones as the clock
// reaches them, until the container is no longer running or is gone.
func (e *Engine) followLogs(ctx context.Context, id string, seq int64, done int, f *logFilter, w io.Writer) error {
	err := e.watch(ctx, seq, f.until, func([]storedEvent) (bool, error) {
		var entries []process.LogEntry
		running := false
		err := e.view(ctx, func(s *state) error {
			c := s.containers[id]
			if c == nil {
				return nil
			}
			running = c.State.Running || c.State.Restarting || (f.waitCreated && c.State.Status == container.StateCreated)
			entries = c.logEntries(e.now())
			return nil
		})
		if err != nil {
			return false, err
		}
		var buf bytes.Buffer
		for _, l := range entries[min(done, len(entries)):] {
			if f.keep(l) {
				f.render(&buf, l)
			}
		}
		done = max(done, len(entries))
		if buf.Len() > 0 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return false, err
			}
		}
		if !f.until.IsZero() && !e.now().Before(f.until) {
			return false, nil
		}
		return running, nil
	})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

package dockertest_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// streamer is the streaming part of the Engine API the logs, attach and exec
// scenarios use; moby's client and the in-process emulator both have it.
type streamer interface {
	ContainerLogs(ctx context.Context, container string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error)
	ContainerAttach(ctx context.Context, container string, options client.ContainerAttachOptions) (client.ContainerAttachResult, error)
	ExecCreate(ctx context.Context, container string, options client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecStart(ctx context.Context, execID string, options client.ExecStartOptions) (client.ExecStartResult, error)
	ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error)
	ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error)
}

var (
	_ streamer = (*client.Client)(nil)
	_ streamer = (*emulator.Engine)(nil)
)

// streams returns the env's engine as a streamer.
func (e *env) streams(t *testing.T) streamer {
	t.Helper()
	s, ok := e.api.(streamer)
	if !ok {
		t.Fatalf("engine %T has no logs, attach and exec methods", e.api)
	}
	return s
}

// streamTimeout bounds one read of a stream to its end; a stream that does
// not end is recorded as a difference rather than hanging the test.
const streamTimeout = 60 * time.Second

// readStream reads r to its end, closing it after streamTimeout.
func readStream(r io.ReadCloser) ([]byte, error) { return readAsync(r)() }

// readAsync starts reading r to its end now (a hijacked stream must be read
// while the container runs) and returns a function that waits for the end,
// closing r after streamTimeout.
func readAsync(r io.ReadCloser) func() ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(r)
		ch <- result{b, err}
	}()
	return func() ([]byte, error) {
		select {
		case res := <-ch:
			return res.b, res.err
		case <-time.After(streamTimeout):
			r.Close()
			res := <-ch
			return res.b, fmt.Errorf("stream did not end within %s (read %d bytes)", streamTimeout, len(res.b))
		}
	}
}

// hijacked adapts a hijacked connection to an io.ReadCloser.
type hijacked struct{ client.HijackedResponse }

func (h hijacked) Read(p []byte) (int, error) { return h.Reader.Read(p) }
func (h hijacked) Close() error               { h.HijackedResponse.Close(); return nil }

// streamNames are the multiplexed stream ids dockerd uses (stdcopy).
var streamNames = map[byte]string{0: "stdin", 1: "stdout", 2: "stderr", 3: "systemerr"}

// frame is one multiplexed frame: its stream name and payload.
type frame struct{ stream, payload string }

// demux splits a multiplexed stream into frames. A header with nonzero
// padding, an unknown stream id or a payload shorter than its size is
// returned as an error naming the offset: the framing itself is compared.
func demux(b []byte) ([]frame, error) {
	var out []frame
	for off := 0; off < len(b); {
		if len(b)-off < 8 {
			return out, fmt.Errorf("%d stray bytes at offset %d: %q", len(b)-off, off, b[off:])
		}
		h := b[off : off+8]
		name, ok := streamNames[h[0]]
		if !ok || h[1] != 0 || h[2] != 0 || h[3] != 0 {
			return out, fmt.Errorf("bad frame header % x at offset %d", h, off)
		}
		n := int(binary.BigEndian.Uint32(h[4:]))
		if len(b)-off-8 < n {
			return out, fmt.Errorf("frame at offset %d says %d bytes, %d left", off, n, len(b)-off-8)
		}
		out = append(out, frame{name, string(b[off+8 : off+8+n])})
		off += 8 + n
	}
	return out, nil
}

// byStream groups frames per stream, in order within each. Between stdout
// and stderr dockerd gives no order (two pipes, two copiers), so only the
// order within a stream is compared. With whole set, each frame is kept as
// one entry (the log driver stores a line per entry, so logs frame per line);
// otherwise a stream's payloads are concatenated (a live stream's frames are
// whatever one read of the pipe returned).
func byStream(frames []frame, whole bool) map[string]any {
	per := map[string][]string{}
	for _, f := range frames {
		per[f.stream] = append(per[f.stream], f.payload)
	}
	out := map[string]any{}
	for s, ps := range per {
		if whole {
			out[s] = ps
			continue
		}
		joined := ""
		for _, p := range ps {
			joined += p
		}
		out[s] = joined
	}
	return out
}

// reLogStamp is dockerd's log timestamp: RFC 3339, UTC, nine fraction digits,
// then a space.
var reLogStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z `)

// stamped replaces a leading dockerd-format timestamp with "<ts> " in each
// frame and reports whether the stamps never go back in time within a stream.
// A stamp in another format stays, so its difference shows.
func stamped(frames []frame) ([]frame, bool) {
	out := make([]frame, len(frames))
	last := map[string]string{}
	ordered := true
	for i, f := range frames {
		if m := reLogStamp.FindString(f.payload); m != "" {
			if m < last[f.stream] {
				ordered = false
			}
			last[f.stream] = m
			f.payload = "<ts> " + f.payload[len(m):]
		}
		out[i] = f
	}
	return out, ordered
}

// multiplexed records a multiplexed stream's frames grouped by stream.
func (e *env) multiplexed(step string, r io.ReadCloser, err error, whole bool) {
	if err != nil {
		e.rec.add(step, nil, err)
		return
	}
	defer r.Close()
	e.multiplexedBytes(step, readStream, r, whole)
}

// multiplexedBytes records the frames of what read returns for r.
func (e *env) multiplexedBytes(step string, read func(io.ReadCloser) ([]byte, error), r io.ReadCloser, whole bool) {
	b, err := read(r)
	frames, ferr := demux(b)
	got := byStream(frames, whole)
	if ferr != nil {
		got["framing error"] = ferr.Error()
	}
	if err != nil {
		got["read error"] = err.Error()
	}
	e.rec.add(step, got, nil)
}

// raw records a raw (TTY) stream's bytes.
func (e *env) raw(step string, r io.ReadCloser, err error) {
	if err != nil {
		e.rec.add(step, nil, err)
		return
	}
	defer r.Close()
	e.rawBytes(step, readStream, r)
}

// rawBytes records what read returns for r as raw bytes.
func (e *env) rawBytes(step string, read func(io.ReadCloser) ([]byte, error), r io.ReadCloser) {
	b, err := read(r)
	got := map[string]any{"raw": string(b)}
	if err != nil {
		got["read error"] = err.Error()
	}
	e.rec.add(step, got, nil)
}

// live returns a read function for a stream whose reading already started:
// it waits for the end started by readAsync.
func live(wait func() ([]byte, error)) func(io.ReadCloser) ([]byte, error) {
	return func(io.ReadCloser) ([]byte, error) { return wait() }
}

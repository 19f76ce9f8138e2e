package emulator

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"time"
)

// maxExecInput bounds the input an attached exec keeps; what the client writes
// past it is read and dropped.
const maxExecInput = 8 << 20

// serveExec is the engine's side of an ExecAttach connection: it reads the
// client's input (for a Waiting exec, until the client closes its write side;
// otherwise only to drop it), finishes a Waiting exec with that input, writes
// the output and closes. Closing the engine closes the connection.
func (e *Engine) serveExec(ctx context.Context, server *pipeConn, x *execRec, tty bool) {
	defer server.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-e.done:
			server.Close()
		case <-stop:
		}
	}()
	// An interactive shell that is in the container is a session; one that is
	// not fails at once, as runc does, without waiting for input.
	readsInput := x.Waiting
	if isInteractive(x, tty) {
		if _, _, ok := e.previewExec(ctx, x.ID, nil); ok {
			e.serveInteractive(ctx, server, x)
			return
		}
		readsInput = false
	}
	var input []byte
	if readsInput {
		input = readInput(server, tty)
	} else {
		go func() { _, _ = io.Copy(io.Discard, server) }() // ends when server is closed
	}
	if x.Waiting {
		fx, err := e.finishExec(ctx, x.ID, input)
		if err != nil {
			return // engine closed or the container removed: nothing to send
		}
		x = fx
	}
	var buf bytes.Buffer
	f := &logFilter{stdout: true, stderr: true, tty: tty}
	for _, l := range x.Output {
		f.render(&buf, l)
	}
	_, _ = server.Write(buf.Bytes())
}

// readInput reads r until EOF or a read error (the client closed the
// connection), keeping at most maxExecInput bytes. With a TTY a ^D byte also
// ends the input and carriage returns are newlines, as a terminal in
// canonical mode delivers them.
func readInput(r io.Reader, tty bool) []byte {
	var in bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		b := chunk[:n]
		eot := false
		if i := bytes.IndexByte(b, 0x04); tty && i >= 0 {
			b, eot = b[:i], true
		}
		if room := maxExecInput - in.Len(); len(b) > room {
			b = b[:room]
		}
		in.Write(b)
		if err != nil || eot {
			break
		}
	}
	out := in.Bytes()
	if tty {
		out = bytes.ReplaceAll(bytes.ReplaceAll(out, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	return out
}

// finishExec interprets a Waiting exec with its input and returns its record.
// An exec whose container stopped or restarted meanwhile was killed with it:
// it ends with exit code 137 and no output.
func (e *Engine) finishExec(ctx context.Context, execID string, input []byte) (*execRec, error) {
	var out *execRec
	err := e.update(ctx, func(t *txn) error {
		c, x, err := t.s.lookupExec(execID)
		if err != nil {
			return err
		}
		if !x.Waiting {
			out = x
			return nil
		}
		c, x = c.withExecCopy(x)
		if !x.running(c, t.now) {
			x.Waiting, x.ExitCode = false, 137
			t.putContainer(c)
		} else {
			t.interpretExec(c, x, input)
		}
		out = x
		return nil
	})
	return out, err
}

// faultExec applies the fault rules of OpExecStart to the container of exec
// execID (matched by its name, id, labels and image, or by the exec id). The
// exec is looked up only when a rule for the operation exists.
func (e *Engine) faultExec(ctx context.Context, execID string) error {
	rules, err := e.readFaults(ctx)
	if err != nil || len(rules) == 0 {
		return err
	}
	tgt := faultTarget{Names: []string{execID}, kind: 'c'}
	_ = e.view(ctx, func(s *state) error {
		if c, _, err := s.lookupExec(execID); err == nil {
			tgt.ref = c.ID
		}
		return nil
	})
	return e.faultCheck(ctx, OpExecStart, tgt)
}

// pipeConn is one end of an in-memory full-duplex connection (newPipeConns):
// unlike net.Pipe it can be half-closed (CloseWrite), which is how a hijacked
// exec connection signals the end of the input. Writes block until the other
// end reads them; deadlines are not supported.
type pipeConn struct {
	r *io.PipeReader
	w *io.PipeWriter
}

// newPipeConns returns the two connected ends: what one writes the other reads.
func newPipeConns() (server, client *pipeConn) {
	c2sR, c2sW := io.Pipe()
	s2cR, s2cW := io.Pipe()
	return &pipeConn{r: c2sR, w: s2cW}, &pipeConn{r: s2cR, w: c2sW}
}

var _ net.Conn = (*pipeConn)(nil)

func (p *pipeConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error) { return p.w.Write(b) }

// CloseWrite ends this side's output: the other end reads EOF after what was
// written; reading goes on.
func (p *pipeConn) CloseWrite() error { return p.w.Close() }

// Close closes both directions: the other end reads EOF and its writes fail.
func (p *pipeConn) Close() error {
	_ = p.w.Close()
	return p.r.Close()
}

func (p *pipeConn) LocalAddr() net.Addr              { return pipeAddr{} }
func (p *pipeConn) RemoteAddr() net.Addr             { return pipeAddr{} }
func (p *pipeConn) SetDeadline(time.Time) error      { return os.ErrNoDeadline }
func (p *pipeConn) SetReadDeadline(time.Time) error  { return os.ErrNoDeadline }
func (p *pipeConn) SetWriteDeadline(time.Time) error { return os.ErrNoDeadline }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

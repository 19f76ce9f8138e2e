package shell

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Resolver answers reachability questions from inside the container. The engine
// implements it from the container's networks.
type Resolver interface {
	// LookupHost returns the addresses of name as seen from the container, and
	// false when the name does not resolve there.
	LookupHost(name string) ([]string, bool)
	// Dial reports whether a TCP connection to host:port would be accepted
	// (host is a name or an address).
	Dial(host string, port int) bool
}

// Context is everything a command sees besides its argv.
type Context struct {
	// Env is the environment, KEY=VALUE, in the container's order.
	Env []string
	// Dir is the working directory ("" means "/").
	Dir string
	// User is the container's user ("", "root", "1000", "name:group").
	User string
	// Hostname is what `hostname` prints.
	Hostname string
	// FS is the container's filesystem; nil means an empty MemFS.
	FS FS
	// Resolver answers name and port reachability; nil resolves nothing.
	Resolver Resolver
	// Ready answers probes of the container's own server (localhost): true when
	// a server listens on port and is ready (port 0: the tool's default port).
	// nil means nothing listens locally.
	Ready func(port int) bool
	// Image is an optional hint, the image repository without tag (e.g.
	// "postgres"), used when an entrypoint script gets only flags.
	Image string
	// OpenStdin is set when stdin stays open (tty / stdin_open): a bare shell or
	// REPL then waits forever instead of exiting at end of input.
	OpenStdin bool
	// Tty is Config.Tty: `test -t 0` is true.
	Tty bool
}

// Run runs an exec-form command (Entrypoint+Cmd, or an exec's Cmd). `sh -c
// script` and `bash -c script` interpret script. An unknown executable returns
// a *NotFoundError (errors.Is ErrNotFound) with a Result whose ExitCode is 127;
// a malformed script returns a *SyntaxError with a Result as sh reports it
// (exit 2 and its message on stderr). Run never panics on user input.
func Run(c Context, argv []string) (Result, error) {
	if len(argv) == 0 || argv[0] == "" {
		return Result{ExitCode: 127}, ErrNoCommand
	}
	in := newInterp(&c, "sh", &run{})
	top := [2]*logSink{{r: in.r, stream: Stdout}, {r: in.r, stream: Stderr}}
	in.out, in.err = top[0], top[1]
	err := in.exec(argv, nil, nil, in.out, in.err, true)
	top[0].flush()
	top[1].flush()
	return in.r.result(in.status), err
}

// RunScript interprets script as `sh -c script` would.
func RunScript(c Context, script string) (Result, error) {
	return Run(c, []string{"/bin/sh", "-c", script})
}

// run is the state shared by every shell of one Run: the simulated clock and
// what was printed.
type run struct {
	uuids   int // /proc/sys/kernel/random/uuid reads so far
	t       time.Duration
	seq     int
	res     Result
	forever bool
	server  *Server
}

// maxWakes bounds Result.Wakes: a long loop of sleeps keeps its first
// wake-ups, and later waits count as one (see process.Run.WallTime).
const maxWakes = 256

// wait advances the command's own time by d, as a timer it waits on: the
// command acts again (a wake) at the new offset.
func (r *run) wait(d time.Duration) {
	r.t += d
	if d > 0 && len(r.res.Wakes) < maxWakes {
		r.res.Wakes = append(r.res.Wakes, r.t)
	}
}

func (r *run) result(status int) Result {
	res := r.res
	res.ExitCode = status
	res.Duration = r.t
	res.RunsForever = r.forever
	res.Server = r.server
	return res
}

// interp is one shell process (nested `sh -c` get their own, sharing run).
type interp struct {
	c        *Context
	r        *run
	fs       FS
	vars     map[string]string
	order    []string // variable names in environment order
	exported map[string]bool
	dir      string
	status   int
	args     []string // $0 $1 ...
	sh       string   // "sh" or "bash", for messages
	errexit  bool
	// noErrexit > 0 while running an if condition, where set -e does not apply.
	noErrexit int
	// substStatus is the status of the last command substitution of the
	// current command: an assignment-only command returns it.
	substStatus int
	loopCtl     int // loopBreak or loopContinue while unwinding to the loop
	loopDepth   int // loops being run
	out, err    sink
	exited      bool // exit was called
	lastErr     error
}

func newInterp(c *Context, sh string, r *run) *interp {
	in := &interp{c: c, r: r, fs: c.FS, vars: map[string]string{}, exported: map[string]bool{}, sh: sh}
	if in.fs == nil {
		in.fs = NewMemFS()
		c.FS = in.fs
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		in.setVar(k, v)
		in.exported[k] = true
	}
	in.dir = "/"
	if c.Dir != "" {
		in.dir = path.Clean("/" + c.Dir)
	}
	if _, ok := in.vars["HOME"]; !ok {
		in.setVar("HOME", homeOf(c.User))
		in.exported["HOME"] = true
	}
	return in
}

// child returns a new shell process inheriting the exported environment and
// working directory, writing to out and err.
func (in *interp) child(sh string, pre []string, out, err sink) *interp {
	ch := &interp{c: in.c, r: in.r, fs: in.fs, vars: map[string]string{}, exported: map[string]bool{},
		sh: sh, dir: in.dir, out: out, err: err}
	for _, kv := range in.env(pre) {
		k, v, _ := strings.Cut(kv, "=")
		ch.setVar(k, v)
		ch.exported[k] = true
	}
	return ch
}

// done reports whether the shell stops running commands.
func (in *interp) done() bool { return in.exited || in.r.forever || in.loopCtl != 0 }

func (in *interp) setVar(k, v string) {
	if _, ok := in.vars[k]; !ok {
		in.order = append(in.order, k)
	}
	in.vars[k] = v
}

// sink is where a command writes one of its output streams.
type sink interface{ write(b []byte) }

type logSink struct {
	r       *run
	stream  int
	partial []byte
}

func (s *logSink) write(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			s.partial = append(s.partial, b...)
			return
		}
		s.emit(string(append(s.partial, b[:i]...)), "")
		s.partial = s.partial[:0]
		b = b[i+1:]
	}
}

func (s *logSink) emit(text, stamp string) { s.emitLine(Line{Text: text, Stamp: stamp}) }

// emitLine records l at the current offset.
func (s *logSink) emitLine(l Line) {
	r := s.r
	l.Offset, l.Stream, l.Seq = r.t, s.stream, r.seq
	r.seq++
	if s.stream == Stdout {
		r.res.Stdout = append(r.res.Stdout, l)
	} else {
		r.res.Stderr = append(r.res.Stderr, l)
	}
}

func (s *logSink) flush() {
	if len(s.partial) > 0 {
		s.emitLine(Line{Text: string(s.partial), Partial: true})
		s.partial = nil
	}
}

type bufSink struct{ bytes.Buffer }

func (b *bufSink) write(p []byte) { b.Write(p) }

type nullSink struct{}

func (nullSink) write([]byte) {}

type fileSink struct {
	fs FS
	p  string
}

func (f fileSink) write(b []byte) { _ = f.fs.Append(f.p, b) }

func (in *interp) abs(p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		return path.Clean(in.vars["HOME"] + p[1:])
	}
	return path.Clean(in.dir + "/" + p)
}

// script parses and runs src with $0.. = args.
func (in *interp) script(src string, args []string) error {
	l, err := parse(src)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			in.err.write([]byte(in.sh + ": syntax error: " + se.Msg + "\n"))
		}
		in.status = 2
		return err
	}
	saved := in.args
	in.args = args
	in.runList(l)
	in.args = saved
	return in.lastErr
}

func (in *interp) runList(l list) {
	for _, ao := range l {
		if in.done() {
			return
		}
		in.runAndOr(ao)
	}
}

// runAndOr runs ao without a standard input (runAndOrStdin reads one).
func (in *interp) runAndOr(ao andOr) { in.runAndOrStdin(ao, nil) }

func (in *interp) runSimple(c *simple, stdin []byte, stdout, stderr sink) int {
	in.substStatus = 0
	args := in.expandWords(c.words)
	var pre []string // NAME=value for the command's environment only
	for _, a := range c.assigns {
		v := in.expandWord(a.value)
		if len(args) == 0 {
			in.setVar(a.name, v)
		} else {
			pre = append(pre, a.name+"="+v)
		}
	}
	fds := [3]sink{nil, stdout, stderr}
	for _, r := range c.redirs {
		target := in.expandWord(r.target)
		switch r.op {
		case ">&":
			switch target {
			case "1", "2":
				fds[r.fd] = fds[target[0]-'0']
			case "-":
				fds[r.fd] = nullSink{}
			}
		case "<":
			b, err := in.readFile(in.abs(target))
			if err != nil && target != "/dev/null" {
				stderr.write([]byte(in.sh + ": can't open '" + target + "': " + errText(err) + "\n"))
				return 1
			}
			stdin = b
		case ">", ">>":
			if target == "/dev/null" {
				fds[r.fd] = nullSink{}
				continue
			}
			if target == "/dev/stdout" || target == "/proc/self/fd/1" {
				fds[r.fd] = stdout
				continue
			}
			if target == "/dev/stderr" || target == "/proc/self/fd/2" {
				fds[r.fd] = stderr
				continue
			}
			p := in.abs(target)
			var err error
			if r.op == ">" {
				err = in.fs.WriteFile(p, nil)
			} else {
				err = in.fs.Append(p, nil)
			}
			if err != nil {
				stderr.write([]byte(in.sh + ": can't create " + target + ": " + createErrText(err) + "\n"))
				return 1
			}
			fds[r.fd] = fileSink{fs: in.fs, p: p}
		}
	}
	if in.exited { // an expansion error (${X?}, $((1/0))) ends the shell
		return in.status
	}
	if len(args) == 0 {
		return in.substStatus
	}
	if err := in.exec(args, pre, stdin, fds[1], fds[2], false); err != nil {
		in.lastErr = err
	}
	return in.status
}

// env returns the exported environment in order, with extra NAME=value applied.
func (in *interp) env(extra []string) []string {
	out := make([]string, 0, len(in.order)+len(extra))
	over := map[string]string{}
	var added []string
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := in.vars[k]; !ok || !in.exported[k] {
			if _, dup := over[k]; !dup {
				added = append(added, k)
			}
		}
		over[k] = v
	}
	for _, k := range in.order {
		if !in.exported[k] {
			continue
		}
		v := in.vars[k]
		if o, ok := over[k]; ok {
			v = o
		}
		out = append(out, k+"="+v)
	}
	for _, k := range added {
		out = append(out, k+"="+over[k])
	}
	return out
}

func (in *interp) getenv(extra []string, k string) (string, bool) {
	for i := len(extra) - 1; i >= 0; i-- {
		if ek, v, _ := strings.Cut(extra[i], "="); ek == k {
			return v, true
		}
	}
	v, ok := in.vars[k]
	return v, ok
}

// readFile reads p from the filesystem, falling back to the kernel's virtual
// files: /proc/sys/kernel/random/uuid (a version-4 UUID derived from the
// hostname, the offset and the number of reads, so runs stay deterministic)
// and /etc/hostname.
func (in *interp) readFile(p string) ([]byte, error) {
	b, err := in.fs.ReadFile(p)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	switch p {
	case "/proc/sys/kernel/random/uuid":
		in.r.uuids++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d/%d", in.c.Hostname, in.r.t, in.r.uuids)))
		sum[6] = sum[6]&0x0f | 0x40
		sum[8] = sum[8]&0x3f | 0x80
		return []byte(fmt.Sprintf("%x-%x-%x-%x-%x\n", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])), nil
	case "/etc/hostname":
		return []byte(in.c.Hostname + "\n"), nil
	}
	return nil, err
}

package shell

import (
	"path"
	"strings"
)

// RunStdin is Run with a standard input that holds stdin and then ends (EOF),
// as for `docker exec -i` once the client closed its side. Commands without
// operands read it (`cat`, `wc`, `head`, `grep`, ...); a shell without -c or a
// script operand (`sh`, `sh -s`, `bash`) runs it as its script; and the
// commands of a `sh -c script` or `sh file` share it as they share a real
// shell's input: the first command of each top-level pipeline (without its
// own `<`) is given what is left of it, and a command that reads its input
// (anything but the builtins that never do, such as echo, set, cd or mkdir)
// uses it up. Compound commands (if, for, while) and nested shells do not see
// it. A nil or empty stdin ends at once, as Run's does. Errors and the Result
// are as for Run.
func RunStdin(c Context, argv []string, stdin []byte) (Result, error) {
	if len(argv) == 0 || argv[0] == "" {
		return Result{ExitCode: 127}, ErrNoCommand
	}
	in := newInterp(&c, "sh", &run{})
	top := [2]*logSink{{r: in.r, stream: Stdout}, {r: in.r, stream: Stderr}}
	in.out, in.err = top[0], top[1]
	err, ok := in.shellStdin(argv, stdin)
	if !ok {
		err = in.exec(argv, nil, stdin, in.out, in.err, true)
	}
	top[0].flush()
	top[1].flush()
	return in.r.result(in.status), err
}

// shellStdin runs `sh [flags] -c script [args]` and `sh [flags] file [args]`
// with the script's commands sharing stdin; ok is false for any other argv
// (and for a script file that cannot be read, whose message is the shell's).
func (in *interp) shellStdin(argv []string, stdin []byte) (err error, ok bool) {
	name := path.Base(argv[0])
	if !shells[name] || len(stdin) == 0 {
		return nil, false
	}
	if name != "bash" {
		name = "sh"
	}
	i, cflag, errexit := shellFlags(argv)
	if i >= len(argv) {
		return nil, false // -c without a script, or an interactive shell: Run's shell handles both
	}
	var src string
	args := argv[i:]
	if cflag {
		src, args = argv[i], argv[i+1:]
		if len(args) == 0 {
			args = []string{name}
		}
	} else {
		b, rerr := in.fs.ReadFile(in.abs(argv[i]))
		if rerr != nil {
			return nil, false
		}
		src = string(b)
	}
	ch := in.child(name, nil, in.out, in.err)
	ch.errexit = errexit
	l, perr := parse(src)
	if perr != nil {
		e := ch.script(src, args) // reports the syntax error as sh does
		in.status = ch.status
		return e, true
	}
	ch.args = args
	for _, ao := range l {
		if ch.done() {
			break
		}
		ch.runAndOrStdin(ao, &stdin)
	}
	in.status = ch.status
	return ch.lastErr, true
}

// runAndOrStdin is runAndOr whose pipelines' first commands share *stdin.
func (in *interp) runAndOrStdin(ao andOr, stdin *[]byte) {
	in.status = in.runPipelineStdin(ao.first, stdin)
	last := len(ao.rest) == 0
	for i, r := range ao.rest {
		if in.done() {
			return
		}
		if (r.op == "&&") == (in.status == 0) {
			in.status = in.runPipelineStdin(r.p, stdin)
			last = i == len(ao.rest)-1
		}
	}
	if in.errexit && in.noErrexit == 0 && in.status != 0 && last && !in.done() {
		in.exited = true
	}
}

// runPipelineStdin runs pl; its first simple command reads *stdin (and uses
// it up when it is a reader). A nil stdin is no input at all.
func (in *interp) runPipelineStdin(pl pipeline, stdin *[]byte) int {
	var piped []byte
	status := 0
	for i, c := range pl.cmds {
		if in.done() {
			break
		}
		var out sink = in.out
		var pipe *bufSink
		if i < len(pl.cmds)-1 {
			pipe = &bufSink{}
			out = pipe
		}
		switch c := c.(type) {
		case *simple:
			input := piped
			if i == 0 && stdin != nil {
				input = *stdin
				if readsStdin(c) {
					*stdin = nil
				}
			}
			status = in.runSimple(c, input, out, in.err)
		default:
			status = in.runCompound(c, out)
		}
		if pipe != nil {
			piped = pipe.Bytes()
		}
	}
	if pl.neg {
		if status == 0 {
			return 1
		}
		return 0
	}
	return status
}

// nonReaders are builtins that never read their standard input.
var nonReaders = map[string]bool{"echo": true, "printf": true, "true": true, "false": true, ":": true,
	"exit": true, "return": true, "sleep": true, "hostname": true, "id": true, "whoami": true, "pwd": true,
	"cd": true, "export": true, "unset": true, "test": true, "[": true, "[[": true, "ls": true, "mkdir": true,
	"touch": true, "rm": true, "cp": true, "mv": true, "basename": true, "dirname": true, "break": true,
	"continue": true, "printenv": true, "getent": true, "nslookup": true, "ping": true, "nc": true,
	"wget": true, "curl": true, "pg_isready": true, "ip": true}

// readsStdin reports whether running c uses up the shell's input: a command
// with its own `<` does not, nor a literal builtin of nonReaders or noops;
// anything else (a reader such as cat, an unknown program, a name only known
// after expansion) does.
func readsStdin(c *simple) bool {
	for _, r := range c.redirs {
		if r.op == "<" {
			return false
		}
	}
	if len(c.words) == 0 {
		return false
	}
	var name strings.Builder
	for _, p := range c.words[0] {
		if p.kind != lit {
			return true
		}
		name.WriteString(p.text)
	}
	n := path.Base(name.String())
	return !nonReaders[n] && !noops[n]
}

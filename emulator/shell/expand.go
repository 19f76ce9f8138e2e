package shell

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// expandWords expands words into fields: parameters outside quotes are split
// on blanks; a word of only an unquoted empty expansion yields no field.
func (in *interp) expandWords(ws []word) []string {
	var out []string
	for _, w := range ws {
		out = append(out, in.fields(w)...)
	}
	return out
}

func (in *interp) fields(w word) []string {
	var out []string
	var cur strings.Builder
	have := false
	for _, p := range w {
		v := in.partValue(p)
		if p.kind == lit || p.quoted {
			cur.WriteString(v)
			have = have || p.quoted || v != ""
			continue
		}
		// Unquoted expansion: field splitting on blanks.
		fs := strings.Fields(v)
		if len(fs) == 0 {
			if v != "" && have { // only blanks: ends the current field
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
			continue
		}
		if startsBlank(v) && have {
			out = append(out, cur.String())
			cur.Reset()
		}
		for i, f := range fs {
			if i > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			cur.WriteString(f)
		}
		have = true
		if endsBlank(v) {
			out = append(out, cur.String())
			cur.Reset()
			have = false
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

func startsBlank(s string) bool { return s != "" && strings.ContainsRune(" \t\n", rune(s[0])) }
func endsBlank(s string) bool {
	return s != "" && strings.ContainsRune(" \t\n", rune(s[len(s)-1]))
}

// expandWord expands w into one string (no field splitting), as for
// assignments and redirection targets.
func (in *interp) expandWord(w word) string {
	var b strings.Builder
	for _, p := range w {
		b.WriteString(in.partValue(p))
	}
	return b.String()
}

func (in *interp) lookup(name string) (string, bool) {
	switch name {
	case "?":
		return strconv.Itoa(in.status), true
	case "$":
		return "1", true
	case "!":
		return "", false
	case "-":
		if in.errexit {
			return "e", true
		}
		return "", true
	case "#":
		return strconv.Itoa(max(len(in.args)-1, 0)), true
	case "@", "*":
		if len(in.args) <= 1 {
			return "", true
		}
		return strings.Join(in.args[1:], " "), true
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n < len(in.args) {
			return in.args[n], true
		}
		return "", false
	}
	v, ok := in.vars[name]
	return v, ok
}

func (in *interp) partValue(p part) string {
	switch p.kind {
	case lit:
		return p.text
	case cmdsub:
		return in.substitute(p.text)
	case arith:
		n, err := in.arithmetic(p.text)
		if err != nil {
			in.err.write([]byte(in.sh + ": arithmetic syntax error\n"))
			in.status = 2
			in.exited = true
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	v, set := in.lookup(p.text)
	switch p.op {
	case "#":
		return strconv.Itoa(len(v))
	case ":-":
		if v == "" {
			return in.expandWord(p.arg)
		}
	case "-":
		if !set {
			return in.expandWord(p.arg)
		}
	case ":=", "=":
		if !set || p.op == ":=" && v == "" {
			v = in.expandWord(p.arg)
			in.setVar(p.text, v)
		}
	case ":+":
		if v != "" {
			return in.expandWord(p.arg)
		}
		return ""
	case "+":
		if set {
			return in.expandWord(p.arg)
		}
		return ""
	case ":?", "?":
		if !set || p.op == ":?" && v == "" {
			msg := in.expandWord(p.arg)
			if msg == "" {
				msg = "parameter not set"
			}
			in.err.write([]byte(in.sh + ": " + p.text + ": " + msg + "\n"))
			in.status = 1
			in.exited = true
			return ""
		}
	}
	return v
}

// errText is the libc message for a filesystem error.
func errText(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, fs.ErrInvalid):
		return "Is a directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	return err.Error()
}

// createErrText is busybox sh's wording when a redirection cannot create a file.
func createErrText(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "nonexistent directory"
	}
	return errText(err)
}

// substitute runs script in a subshell and returns its output without the
// trailing newlines; the subshell's status becomes $?.
func (in *interp) substitute(script string) string {
	var buf bufSink
	ch := in.child(in.sh, nil, &buf, in.err)
	ch.args = in.args
	if err := ch.script(script, in.args); err != nil {
		in.lastErr = err
	}
	in.substStatus = ch.status
	return strings.TrimRight(buf.String(), "\n")
}

package shell

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// call is one command invocation.
type call struct {
	in    *interp
	args  []string // args[0] is the command as written
	pre   []string // NAME=value prefixes
	stdin []byte
	out   sink
	err   sink
}

func (c *call) name() string { return path.Base(c.args[0]) }

func (c *call) print(s string)            { c.out.write([]byte(s)) }
func (c *call) println(s string)          { c.out.write([]byte(s + "\n")) }
func (c *call) errorf(f string, a ...any) { c.err.write([]byte(fmt.Sprintf(f, a...) + "\n")) }

type builtin func(*call) int

var builtins map[string]builtin

// shells are the interpreters `sh -c` style invocations go through.
var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true}

// noops are tools that succeed silently (their effect is not modelled).
var noops = map[string]bool{"chmod": true, "chown": true, "ln": true, "sync": true, "ulimit": true,
	"umask": true, "trap": true, "wait": true, "shift": true, "apk": true, "apt-get": true, "apt": true,
	"pip": true, "pip3": true, "update-ca-certificates": true, "addgroup": true,
	"adduser": true, "useradd": true, "groupadd": true, "make": true, "go": true, "set": true}

func init() {
	builtins = map[string]builtin{
		"echo": echo, "printf": printf, "true": func(*call) int { return 0 }, ":": func(*call) int { return 0 },
		"false": func(*call) int { return 1 }, "exit": exit, "sleep": sleep, "cat": cat, "env": env,
		"printenv": printenv, "hostname": hostname, "id": id, "whoami": whoami, "pwd": pwd, "cd": cd,
		"export": export, "unset": unset, "exec": execBuiltin, "test": test, "[": test, "[[": test,
		"return": exit, "break": loopControl(loopBreak), "continue": loopControl(loopContinue), "top": top, "ip": ip, "sqlcmd": sqlcmd,
		"ls": ls, "mkdir": mkdir, "touch": touch, "rm": rm, "cp": cp, "mv": mv, "grep": grep,
		"head": head, "tail": tail, "wc": wc, "basename": basename, "dirname": dirname,
		"nohup": wrapper(0), "gosu": wrapper(1), "su-exec": wrapper(1), "tini": tini, "dumb-init": wrapper(0),
		"getent": getent, "nslookup": nslookup, "ping": ping, "nc": nc, "wget": wget, "curl": curl,
		"pg_isready": pgIsReady, "redis-cli": redisCLI, "mysqladmin": mysqladmin, "mariadb-admin": mysqladmin,
		"healthcheck.sh": mariadbHealth, "mongosh": mongosh, "mongo": mongosh,
	}
	for n := range noops {
		builtins[n] = func(c *call) int {
			if c.name() == "set" {
				for _, a := range c.args[1:] {
					if strings.HasPrefix(a, "-") && strings.Contains(a, "e") {
						c.in.errexit = true
					}
					if strings.HasPrefix(a, "+") && strings.Contains(a, "e") {
						c.in.errexit = false
					}
				}
			}
			return 0
		}
	}
}

// exec runs one command. execForm marks the container's own exec-form argv:
// an unknown executable is then dockerd's start error, not sh's message.
func (in *interp) exec(args, pre []string, stdin []byte, out, err sink, execForm bool) error {
	c := &call{in: in, args: args, pre: pre, stdin: stdin, out: out, err: err}
	name := c.name()
	switch {
	case shells[name] && in.installed(args[0]):
		return in.shell(c)
	case builtins[name] != nil:
		in.status = builtins[name](c)
		return nil
	case servers[name] != nil || entrypoints[name]:
		in.status = startProgram(c)
		return nil
	}
	if p, ok := in.findScript(args[0]); ok {
		src, _ := in.fs.ReadFile(p)
		ch := in.child("sh", pre, out, err)
		body := string(src)
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			body = body[i+1:]
		} else {
			body = ""
		}
		e := ch.script(body, args)
		in.status = ch.status
		return e
	}
	in.status = 127
	if execForm {
		return in.notRunnable(args[0])
	}
	if in.sh == "bash" {
		c.errorf("bash: line 1: %s: command not found", args[0])
	} else {
		c.errorf("%s: %s: not found", in.sh, args[0])
	}
	return nil
}

// findScript finds a "#!" script for cmd in the filesystem (by path, or on PATH).
func (in *interp) findScript(cmd string) (string, bool) {
	var cands []string
	if strings.Contains(cmd, "/") {
		cands = []string{in.abs(cmd)}
	} else {
		p, ok := in.vars["PATH"]
		if !ok {
			p = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		}
		for _, d := range strings.Split(p, ":") {
			if d != "" {
				cands = append(cands, path.Join(in.abs(d), cmd))
			}
		}
	}
	for _, p := range cands {
		if b, err := in.fs.ReadFile(p); err == nil && bytes.HasPrefix(b, []byte("#!")) {
			return p, true
		}
	}
	return "", false
}

// shell runs sh/bash: -c script, a script file, or an interactive shell.
func (in *interp) shell(c *call) error {
	name := c.name()
	if name != "bash" {
		name = "sh"
	}
	i, cflag, errexit := shellFlags(c.args)
	ch := in.child(name, c.pre, c.out, c.err)
	ch.errexit = errexit
	if cflag {
		if i >= len(c.args) {
			c.errorf("%s: -c requires an argument", name)
			in.status = 2
			return nil
		}
		args := []string{name}
		if i+1 < len(c.args) {
			args = c.args[i+1:]
		}
		err := ch.script(c.args[i], args)
		in.status = ch.status
		return err
	}
	if i < len(c.args) {
		src, err := in.fs.ReadFile(in.abs(c.args[i]))
		if err != nil {
			if name == "bash" {
				c.errorf("bash: %s: %s", c.args[i], errText(err))
				in.status = 127
			} else {
				c.errorf("sh: can't open '%s': %s", c.args[i], errText(err))
				in.status = 2
			}
			return nil
		}
		e := ch.script(string(src), c.args[i:])
		in.status = ch.status
		return e
	}
	// Interactive shell: reads stdin until it is closed.
	if len(c.stdin) > 0 {
		e := ch.script(string(c.stdin), []string{name})
		in.status = ch.status
		if in.r.res.Dir == "" { // the outermost such shell: a session's prompt shows it
			in.r.res.Dir = ch.dir
		}
		return e
	}
	if in.c.OpenStdin {
		in.r.forever = true
	}
	in.status = 0
	return nil
}

func echo(c *call) int {
	args := c.args[1:]
	nl, esc := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		nl = nl && !strings.Contains(args[0], "n")
		esc = strings.Contains(args[0], "e") || esc && !strings.Contains(args[0], "E")
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if esc {
		var stop bool
		s, stop = unescape(s)
		nl = nl && !stop
	}
	if nl {
		s += "\n"
	}
	c.print(s)
	return 0
}

// unescape interprets backslash escapes as echo -e and printf %b do; stop is
// set by \c.
func unescape(s string) (string, bool) {
	if !strings.Contains(s, "\\") {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'a':
			b.WriteByte('\a')
		case 'e':
			b.WriteByte(0x1b)
		case 'c':
			return b.String(), true
		case '0':
			n, j := 0, i+1
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

var printfSpec = regexp.MustCompile(`%[-+ #0]*[0-9]*(\.[0-9]*)?[sdibxXocfeEgG%]`)

// hugeWidth matches a width or precision of more than 4 digits.
var hugeWidth = regexp.MustCompile(`([.%-+ #0]*)[0-9]{5,}`)

func printf(c *call) int {
	if len(c.args) < 2 {
		c.errorf("printf: usage: printf FORMAT [ARGUMENT...]")
		return 2
	}
	format, args := c.args[1], c.args[2:]
	status := 0
	for {
		used := 0
		out := printfSpec.ReplaceAllStringFunc(format, func(spec string) string {
			verb := spec[len(spec)-1]
			if verb == '%' {
				return "%"
			}
			if hugeWidth.MatchString(spec) { // keep a typo from allocating gigabytes
				spec = hugeWidth.ReplaceAllString(spec, "$1")
			}
			arg := ""
			if used < len(args) {
				arg = args[used]
			}
			used++
			switch verb {
			case 's':
				return fmt.Sprintf(spec, arg)
			case 'b':
				s, _ := unescape(arg)
				return fmt.Sprintf(spec[:len(spec)-1]+"s", s)
			case 'c':
				if arg == "" {
					return ""
				}
				return arg[:1]
			case 'd', 'i', 'x', 'X', 'o':
				n, err := strconv.ParseInt(strings.TrimSpace(arg), 0, 64)
				if err != nil && arg != "" {
					c.errorf("printf: invalid number '%s'", arg)
					status = 1
				}
				if verb == 'i' {
					spec = spec[:len(spec)-1] + "d"
				}
				return fmt.Sprintf(spec, n)
			default:
				f, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
				if err != nil && arg != "" {
					c.errorf("printf: invalid number '%s'", arg)
					status = 1
				}
				return fmt.Sprintf(spec, f)
			}
		})
		out, _ = unescape(out)
		c.print(out)
		if used == 0 || used >= len(args) {
			break
		}
		args = args[used:]
	}
	return status
}

func exit(c *call) int {
	in := c.in
	in.exited = true
	if len(c.args) < 2 {
		return in.status
	}
	n, err := strconv.Atoi(c.args[1])
	if err != nil {
		c.errorf("%s: exit: Illegal number: %s", in.sh, c.args[1])
		return 2
	}
	return n & 255
}

// maxSleep caps one sleep (longer ones are, for any observer, forever).
const maxSleep = 100 * 365 * 24 * time.Hour

// parseSleep reads sleep's operand: seconds (fractions allowed) with an
// optional s, m, h or d suffix, or "infinity".
func parseSleep(s string) (time.Duration, bool, error) {
	if s == "infinity" || s == "inf" {
		return 0, true, nil
	}
	mult := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, mult = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, mult = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, mult = s[:len(s)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f {
		return 0, false, fmt.Errorf("invalid number")
	}
	if d := f * float64(mult); d < float64(maxSleep) {
		return time.Duration(d), false, nil
	}
	return maxSleep, false, nil
}

func sleep(c *call) int {
	if len(c.args) < 2 {
		c.errorf("sleep: missing operand")
		return 1
	}
	var total time.Duration
	for _, a := range c.args[1:] {
		d, inf, err := parseSleep(a)
		if err != nil {
			c.errorf("sleep: invalid number '%s'", a)
			return 1
		}
		if inf {
			c.in.r.wait(total)
			c.in.r.forever = true
			return 0
		}
		total += d
	}
	c.in.r.wait(total)
	return 0
}

// loopControl is break and continue (outside a loop they do nothing).
func loopControl(kind int) builtin {
	return func(c *call) int {
		if c.in.loopDepth > 0 {
			c.in.loopCtl = kind
		}
		return 0
	}
}

// shellFlags reads sh's options in argv (argv[0] is the shell): the index of
// the first operand (the -c script or a script file), and whether -c and -e
// were given. -o/+o take the next word; -- ends the options.
func shellFlags(argv []string) (i int, cflag, errexit bool) {
	for i = 1; i < len(argv); i++ {
		a := argv[i]
		if a == "-o" || a == "+o" {
			i++
			continue
		}
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' && a[0] != '+' {
			break
		}
		cflag = cflag || strings.Contains(a, "c") && a[0] == '-'
		errexit = errexit || strings.Contains(a, "e") && a[0] == '-'
	}
	return i, cflag, errexit
}

// installed reports whether the program arg0 names is in the container: on
// its PATH, or at its path. Only an image's filesystem (one with /bin/sh)
// is asked: a bare filesystem (tests, images without files) has them all.
func (in *interp) installed(arg0 string) bool {
	if _, err := in.fs.Stat("/bin/sh"); err != nil || path.Base(arg0) == "sh" {
		return true
	}
	if strings.Contains(arg0, "/") {
		p := arg0
		if !strings.HasPrefix(p, "/") {
			p = path.Join(in.dir, p)
		}
		_, err := in.fs.Stat(p)
		return err == nil
	}
	dirs, ok := in.lookup("PATH")
	if !ok {
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	for _, d := range strings.Split(dirs, ":") {
		if _, err := in.fs.Stat(path.Join(d, arg0)); err == nil {
			return true
		}
	}
	return false
}

// notRunnable is runc's refusal of an exec-form argv[0]: a name not found in
// $PATH, or a path that is missing or (here: any existing file the
// interpreter does not run, a directory included) not executable.
func (in *interp) notRunnable(name string) *NotFoundError {
	if !strings.Contains(name, "/") {
		return &NotFoundError{Name: name}
	}
	p := name
	if !strings.HasPrefix(p, "/") {
		p = path.Join(in.dir, p)
	}
	if _, err := in.fs.Stat(p); err != nil {
		return &NotFoundError{Name: name, Reason: "stat " + p + ": no such file or directory"}
	}
	return &NotFoundError{Name: name, Reason: reasonDenied}
}

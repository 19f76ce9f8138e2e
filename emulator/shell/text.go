package shell

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

func grep(c *call) int {
	fl, ops := flags(c.args[1:])
	if len(ops) == 0 {
		c.errorf("grep: missing pattern")
		return 2
	}
	pat := ops[0]
	if strings.Contains(fl, "F") {
		pat = regexp.QuoteMeta(pat)
	}
	if strings.Contains(fl, "i") {
		pat = "(?i)" + pat
	}
	// A pattern Go's regexp rejects is matched as a plain string.
	match := func(l string) bool { return strings.Contains(l, ops[0]) }
	if re, err := regexp.Compile(pat); err == nil {
		match = re.MatchString
	}
	b, status := c.input(ops[1:])
	n := 0
	for _, l := range lines(b) {
		if match(l) != strings.Contains(fl, "v") {
			n++
			if !strings.ContainsAny(fl, "qc") {
				c.println(l)
			}
		}
	}
	if strings.Contains(fl, "c") {
		c.println(strconv.Itoa(n))
	}
	if status != 0 {
		return 2
	}
	if n == 0 {
		return 1
	}
	return 0
}

// count reads "-n N" / "-N" for head and tail; follow is tail's -f.
func count(args []string) (n int, follow bool, ops []string) {
	n = 10
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" && i+1 < len(args):
			n, _ = strconv.Atoi(strings.TrimPrefix(args[i+1], "+"))
			i++
		case strings.HasPrefix(a, "-n"):
			n, _ = strconv.Atoi(a[2:])
		case a == "-f" || a == "-F" || a == "--follow":
			follow = true
		case len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9':
			n, _ = strconv.Atoi(a[1:])
		default:
			ops = append(ops, a)
		}
	}
	return n, follow, ops
}

func head(c *call) int {
	n, _, ops := count(c.args[1:])
	b, status := c.input(ops)
	ls := lines(b)
	for i := 0; i < n && i < len(ls); i++ {
		c.println(ls[i])
	}
	return status
}

func tail(c *call) int {
	n, follow, ops := count(c.args[1:])
	b, status := c.input(ops)
	ls := lines(b)
	for i := max(len(ls)-n, 0); i < len(ls); i++ {
		c.println(ls[i])
	}
	if follow {
		c.in.r.forever = true
		return 0
	}
	return status
}

func wc(c *call) int {
	fl, ops := flags(c.args[1:])
	b, status := c.input(ops)
	nl := bytes.Count(b, []byte("\n"))
	words := len(strings.Fields(string(b)))
	switch {
	case fl == "l":
		c.println(strconv.Itoa(nl))
	case fl == "w":
		c.println(strconv.Itoa(words))
	case fl == "c":
		c.println(strconv.Itoa(len(b)))
	default:
		c.println(fmt.Sprintf("%7d %7d %7d", nl, words, len(b)))
	}
	return status
}

func basename(c *call) int {
	if len(c.args) < 2 {
		c.errorf("basename: missing operand")
		return 1
	}
	b := path.Base(c.args[1])
	if len(c.args) > 2 {
		b = strings.TrimSuffix(b, c.args[2])
	}
	c.println(b)
	return 0
}

func dirname(c *call) int {
	if len(c.args) < 2 {
		c.errorf("dirname: missing operand")
		return 1
	}
	c.println(path.Dir(c.args[1]))
	return 0
}

// knownUsers maps the user names of catalog images to uid.
var knownUsers = map[string]int{"root": 0, "daemon": 1, "bin": 2, "www-data": 33, "nobody": 65534,
	"postgres": 999, "redis": 999, "mysql": 999, "mongodb": 999, "node": 1000, "nginx": 101, "grafana": 472}

func homeOf(user string) string {
	name, _, _ := strings.Cut(user, ":")
	switch name {
	case "", "root", "0":
		return "/root"
	case "postgres":
		return "/var/lib/postgresql"
	case "node":
		return "/home/node"
	}
	return "/"
}

// ids resolves the container's User into uid, gid and their names ("" when
// a numeric id has no known name).
func ids(user string) (uid, gid int, uname, gname string) {
	u, g, hasG := strings.Cut(user, ":")
	resolve := func(s string) (int, string) {
		if s == "" {
			return 0, "root"
		}
		if n, err := strconv.Atoi(s); err == nil {
			for name, id := range knownUsers {
				if id == n && (n != 999 || name == "postgres") {
					return n, name
				}
			}
			return n, ""
		}
		if id, ok := knownUsers[s]; ok {
			return id, s
		}
		return 1000, s
	}
	uid, uname = resolve(u)
	gid, gname = uid, uname
	if hasG {
		gid, gname = resolve(g)
	}
	return uid, gid, uname, gname
}

func whoami(c *call) int {
	user, group, _ := strings.Cut(c.in.c.User, ":")
	a, _ := c.in.lookupAccount(user, group)
	if a.name == "" {
		c.errorf("whoami: unknown uid %d", a.uid)
		return 1
	}
	c.println(a.name)
	return 0
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// input returns the contents of the operand files, or stdin without operands.
func (c *call) input(ops []string) ([]byte, int) {
	if len(ops) == 0 {
		return c.stdin, 0
	}
	var b []byte
	status := 0
	for _, op := range ops {
		d, err := c.in.readFile(c.in.abs(op))
		if err != nil {
			c.errorf("%s: %s: %s", c.name(), op, errText(err))
			status = 1
			continue
		}
		b = append(b, d...)
	}
	return b, status
}

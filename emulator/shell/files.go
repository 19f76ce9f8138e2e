package shell

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

func test(c *call) int {
	args := c.args[1:]
	if c.name() == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			c.errorf("%s: [: missing ]", c.in.sh)
			return 2
		}
		args = args[:len(args)-1]
	}
	r, ok := c.testExpr(args)
	if !ok {
		return 2
	}
	if r {
		return 0
	}
	return 1
}

// testExpr evaluates test's operands: ! expr, expr -a expr, expr -o expr,
// unary file and string tests, binary string and integer comparisons.
func (c *call) testExpr(a []string) (bool, bool) {
	for i, op := range a {
		if op == "-o" && i > 0 && i < len(a)-1 {
			l, ok1 := c.testExpr(a[:i])
			r, ok2 := c.testExpr(a[i+1:])
			return l || r, ok1 && ok2
		}
	}
	for i, op := range a {
		if op == "-a" && i > 0 && i < len(a)-1 {
			l, ok1 := c.testExpr(a[:i])
			r, ok2 := c.testExpr(a[i+1:])
			return l && r, ok1 && ok2
		}
	}
	switch {
	case len(a) == 0:
		return false, true
	case a[0] == "!" && len(a) > 1:
		r, ok := c.testExpr(a[1:])
		return !r, ok
	case len(a) == 1:
		return a[0] != "", true
	case len(a) == 2:
		return c.unary(a[0], a[1])
	case len(a) == 3:
		return c.binary(a[0], a[1], a[2])
	}
	c.errorf("%s: test: too many arguments", c.in.sh)
	return false, false
}

func (c *call) unary(op, x string) (bool, bool) {
	switch op {
	case "-z":
		return x == "", true
	case "-n":
		return x != "", true
	case "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-p", "-S", "-b", "-c":
		st, err := c.in.fs.Stat(c.in.abs(x))
		if err != nil {
			if x == "/dev/null" && (op == "-e" || op == "-c" || op == "-r" || op == "-w") {
				return true, true
			}
			return false, true
		}
		switch op {
		case "-f":
			return !st.IsDir, true
		case "-d":
			return st.IsDir, true
		case "-s":
			return st.Size > 0 || st.IsDir, true
		case "-L", "-h", "-p", "-S", "-b", "-c":
			return false, true
		}
		return true, true
	}
	c.errorf("%s: test: %s: unknown operand", c.in.sh, op)
	return false, false
}

func (c *call) binary(x, op, y string) (bool, bool) {
	switch op {
	case "=", "==":
		return x == y, true
	case "!=":
		return x != y, true
	case "<":
		return x < y, true
	case ">":
		return x > y, true
	case "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
		a, err1 := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		b, err2 := strconv.ParseInt(strings.TrimSpace(y), 10, 64)
		if err1 != nil || err2 != nil {
			bad := x
			if err1 == nil {
				bad = y
			}
			c.errorf("%s: test: %s: integer expected", c.in.sh, bad)
			return false, false
		}
		switch op {
		case "-eq":
			return a == b, true
		case "-ne":
			return a != b, true
		case "-lt":
			return a < b, true
		case "-le":
			return a <= b, true
		case "-gt":
			return a > b, true
		}
		return a >= b, true
	}
	c.errorf("%s: test: %s: unknown operand", c.in.sh, op)
	return false, false
}

// flags splits leading single-dash flag letters from operands.
func flags(args []string) (string, []string) {
	var f strings.Builder
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		f.WriteString(a[1:])
	}
	return f.String(), args[i:]
}

func ls(c *call) int {
	fl, ops := flags(c.args[1:])
	all, long := strings.Contains(fl, "a"), strings.Contains(fl, "l")
	if len(ops) == 0 {
		ops = []string{"."}
	}
	status := 0
	for i, op := range ops {
		p := c.in.abs(op)
		st, err := c.in.fs.Stat(p)
		if err != nil {
			c.errorf("ls: %s: %s", op, errText(err))
			status = 1
			continue
		}
		if !st.IsDir {
			c.lsLine(st, op, long)
			continue
		}
		if len(ops) > 1 {
			if i > 0 {
				c.println("")
			}
			c.println(op + ":")
		}
		ents, _ := c.in.fs.ReadDir(p)
		if all {
			c.lsLine(FileInfo{Name: ".", IsDir: true}, ".", long)
			c.lsLine(FileInfo{Name: "..", IsDir: true}, "..", long)
		}
		for _, e := range ents {
			if !all && strings.HasPrefix(e.Name, ".") {
				continue
			}
			c.lsLine(e, e.Name, long)
		}
	}
	return status
}

func (c *call) lsLine(st FileInfo, name string, long bool) {
	if !long {
		c.println(name)
		return
	}
	mode, links, size := "-rw-r--r--", 1, st.Size
	if st.IsDir {
		mode, links, size = "drwxr-xr-x", 2, 4096
	}
	c.println(fmt.Sprintf("%s %4d %-8s %-8s %9d Jan  1 00:00 %s", mode, links, "root", "root", size, name))
}

func mkdir(c *call) int {
	fl, ops := flags(c.args[1:])
	parents := strings.Contains(fl, "p")
	if len(ops) == 0 {
		c.errorf("mkdir: missing operand")
		return 1
	}
	status := 0
	for _, op := range ops {
		p := c.in.abs(op)
		st, err := c.in.fs.Stat(p)
		switch {
		case err == nil && (!parents || !st.IsDir):
			c.errorf("mkdir: can't create directory '%s': File exists", op)
			status = 1
			continue
		case !parents:
			if pst, err := c.in.fs.Stat(path.Dir(p)); err != nil || !pst.IsDir {
				c.errorf("mkdir: can't create directory '%s': No such file or directory", op)
				status = 1
				continue
			}
		}
		if err := c.in.fs.MkdirAll(p); err != nil {
			c.errorf("mkdir: can't create directory '%s': %s", op, errText(err))
			status = 1
		}
	}
	return status
}

func touch(c *call) int {
	_, ops := flags(c.args[1:])
	if len(ops) == 0 {
		c.errorf("touch: missing operand")
		return 1
	}
	status := 0
	for _, op := range ops {
		p := c.in.abs(op)
		if _, err := c.in.fs.Stat(p); err == nil {
			continue
		}
		if err := c.in.fs.WriteFile(p, nil); err != nil {
			c.errorf("touch: %s: %s", op, errText(err))
			status = 1
		}
	}
	return status
}

func rm(c *call) int {
	fl, ops := flags(c.args[1:])
	force, rec := strings.Contains(fl, "f"), strings.ContainsAny(fl, "rR")
	status := 0
	for _, op := range ops {
		p := c.in.abs(op)
		st, err := c.in.fs.Stat(p)
		switch {
		case err != nil:
			if !force {
				c.errorf("rm: can't remove '%s': No such file or directory", op)
				status = 1
			}
		case st.IsDir && !rec:
			c.errorf("rm: '%s' is a directory", op)
			status = 1
		case p == "/":
			c.errorf("rm: refusing to remove '/'")
			status = 1
		default:
			if err := removeAll(c.in.fs, p); err != nil {
				c.errorf("rm: can't remove '%s': %s", op, errText(err))
				status = 1
			}
		}
	}
	return status
}

func removeAll(fsys FS, p string) error {
	if st, err := fsys.Stat(p); err == nil && st.IsDir {
		ents, err := fsys.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := removeAll(fsys, path.Join(p, e.Name)); err != nil {
				return err
			}
		}
	}
	return fsys.Remove(p)
}

func copyTree(fsys FS, src, dst string) error {
	st, err := fsys.Stat(src)
	if err != nil {
		return err
	}
	if !st.IsDir {
		b, err := fsys.ReadFile(src)
		if err != nil {
			return err
		}
		return fsys.WriteFile(dst, b)
	}
	if err := fsys.MkdirAll(dst); err != nil {
		return err
	}
	ents, err := fsys.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := copyTree(fsys, path.Join(src, e.Name), path.Join(dst, e.Name)); err != nil {
			return err
		}
	}
	return nil
}

// cpmv implements cp (-r) and mv of files and directories.
func cpmv(c *call, move bool) int {
	fl, ops := flags(c.args[1:])
	name := c.name()
	if len(ops) < 2 {
		c.errorf("%s: missing operand", name)
		return 1
	}
	dst := c.in.abs(ops[len(ops)-1])
	dstSt, dstErr := c.in.fs.Stat(dst)
	status := 0
	for _, op := range ops[:len(ops)-1] {
		src := c.in.abs(op)
		st, err := c.in.fs.Stat(src)
		if err != nil {
			c.errorf("%s: can't stat '%s': No such file or directory", name, op)
			status = 1
			continue
		}
		if st.IsDir && !move && !strings.ContainsAny(fl, "rRa") {
			c.errorf("cp: omitting directory '%s'", op)
			status = 1
			continue
		}
		target := dst
		if dstErr == nil && dstSt.IsDir {
			target = path.Join(dst, path.Base(src))
		}
		if err := copyTree(c.in.fs, src, target); err != nil {
			c.errorf("%s: can't create '%s': %s", name, target, errText(err))
			status = 1
			continue
		}
		if move {
			_ = removeAll(c.in.fs, src)
		}
	}
	return status
}

func cp(c *call) int { return cpmv(c, false) }
func mv(c *call) int { return cpmv(c, true) }

// input returns the contents of the operand files, or stdin without operands.
func (c *call) input(ops []string) ([]byte, int) {
	if len(ops) == 0 {
		return c.stdin, 0
	}
	var b []byte
	status := 0
	for _, op := range ops {
		d, err := c.in.fs.ReadFile(c.in.abs(op))
		if err != nil {
			c.errorf("%s: %s: %s", c.name(), op, errText(err))
			status = 1
			continue
		}
		b = append(b, d...)
	}
	return b, status
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

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
	re, err := regexp.Compile(pat)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(ops[0]))
	}
	b, status := c.input(ops[1:])
	n := 0
	for _, l := range lines(b) {
		if re.MatchString(l) != strings.Contains(fl, "v") {
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

func id(c *call) int {
	uid, gid, un, gn := ids(c.in.c.User)
	fl, _ := flags(c.args[1:])
	named := func(n int, s string) string {
		if s == "" {
			return strconv.Itoa(n)
		}
		return fmt.Sprintf("%d(%s)", n, s)
	}
	switch {
	case strings.Contains(fl, "u") && strings.Contains(fl, "n"):
		c.println(orNum(un, uid))
	case strings.Contains(fl, "u"):
		c.println(strconv.Itoa(uid))
	case strings.Contains(fl, "g") && strings.Contains(fl, "n"):
		c.println(orNum(gn, gid))
	case strings.Contains(fl, "g"):
		c.println(strconv.Itoa(gid))
	default:
		c.println("uid=" + named(uid, un) + " gid=" + named(gid, gn) + " groups=" + named(gid, gn))
	}
	return 0
}

func orNum(s string, n int) string {
	if s == "" {
		return strconv.Itoa(n)
	}
	return s
}

func whoami(c *call) int {
	uid, _, un, _ := ids(c.in.c.User)
	if un == "" {
		c.errorf("whoami: unknown uid %d", uid)
		return 1
	}
	c.println(un)
	return 0
}

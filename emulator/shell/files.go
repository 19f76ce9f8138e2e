package shell

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

func test(c *call) int {
	args := c.args[1:]
	if closer := map[string]string{"[": "]", "[[": "]]"}[c.name()]; closer != "" {
		if len(args) == 0 || args[len(args)-1] != closer {
			c.errorf("%s: %s: missing %s", c.in.sh, c.name(), closer)
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
	case "-t":
		return c.in.c.Tty && (x == "0" || x == "1" || x == "2"), true
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

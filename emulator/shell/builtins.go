package shell

import (
	"strings"
)

func env(c *call) int {
	args := c.args[1:]
	pre := c.pre
	inherit := true
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "-i" || a == "-":
			inherit = false
		case a == "-u" && len(args) > 1:
			args = args[1:]
		case strings.Contains(a, "=") && !strings.HasPrefix(a, "="):
			pre = append(pre, a)
		default:
			goto run
		}
		args = args[1:]
	}
run:
	if len(args) == 0 {
		var vars []string
		if inherit {
			vars = c.in.env(pre)
		} else {
			vars = pre
		}
		for _, kv := range vars {
			c.println(kv)
		}
		return 0
	}
	in := c.in
	if !inherit {
		in = c.in.child(c.in.sh, nil, c.out, c.err)
		for k := range in.exported {
			in.exported[k] = false
		}
	}
	if err := in.exec(args, pre, c.stdin, c.out, c.err, false); err != nil {
		c.in.lastErr = err
	}
	return in.status
}

func printenv(c *call) int {
	if len(c.args) == 1 {
		for _, kv := range c.in.env(c.pre) {
			c.println(kv)
		}
		return 0
	}
	status := 0
	for _, k := range c.args[1:] {
		v, ok := c.in.getenv(c.pre, k)
		if !ok || !c.in.exported[k] && !hasPre(c.pre, k) {
			status = 1
			continue
		}
		c.println(v)
	}
	return status
}

func hasPre(pre []string, k string) bool {
	for _, kv := range pre {
		if strings.HasPrefix(kv, k+"=") {
			return true
		}
	}
	return false
}

func hostname(c *call) int {
	h := c.in.c.Hostname
	if h == "" {
		h = "localhost"
	}
	if len(c.args) > 1 && c.args[1] == "-i" {
		if c.in.c.Resolver != nil {
			if addrs, ok := c.in.c.Resolver.LookupHost(h); ok && len(addrs) > 0 {
				c.println(strings.Join(addrs, " "))
				return 0
			}
		}
		c.errorf("hostname: %s: Name or service not known", h)
		return 1
	}
	c.println(h)
	return 0
}

func pwd(c *call) int { c.println(c.in.dir); return 0 }

func cd(c *call) int {
	dir := c.in.vars["HOME"]
	if len(c.args) > 1 {
		dir = c.args[1]
	}
	p := c.in.abs(dir)
	st, err := c.in.fs.Stat(p)
	if err != nil || !st.IsDir {
		c.errorf("%s: cd: can't cd to %s: No such file or directory", c.in.sh, dir)
		return 2
	}
	c.in.dir = p
	c.in.setVar("PWD", p)
	return 0
}

func export(c *call) int {
	for _, a := range c.args[1:] {
		if a == "-p" {
			continue
		}
		k, v, hasV := strings.Cut(a, "=")
		if !validName(k) {
			c.errorf("%s: export: bad variable name", c.in.sh)
			return 1
		}
		if hasV {
			c.in.setVar(k, v)
		} else if _, ok := c.in.vars[k]; !ok {
			c.in.setVar(k, "")
		}
		c.in.exported[k] = true
	}
	return 0
}

func unset(c *call) int {
	for _, k := range c.args[1:] {
		delete(c.in.vars, k)
		delete(c.in.exported, k)
	}
	return 0
}

func execBuiltin(c *call) int {
	if len(c.args) == 1 {
		return 0
	}
	if err := c.in.exec(c.args[1:], c.pre, c.stdin, c.out, c.err, false); err != nil {
		c.in.lastErr = err
	}
	c.in.exited = true
	return c.in.status
}

// wrapper runs its arguments after skip operands (nohup, gosu user, su-exec user).
func wrapper(skip int) builtin {
	return func(c *call) int {
		args := c.args[1:]
		if len(args) <= skip {
			c.errorf("%s: missing operand", c.name())
			return 1
		}
		if err := c.in.exec(args[skip:], c.pre, c.stdin, c.out, c.err, false); err != nil {
			c.in.lastErr = err
		}
		return c.in.status
	}
}

func tini(c *call) int {
	args := c.args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		args = args[1:]
	}
	if len(args) == 0 {
		c.errorf("[FATAL tini (1)] No command specified")
		return 1
	}
	if err := c.in.exec(args, c.pre, c.stdin, c.out, c.err, false); err != nil {
		c.in.lastErr = err
	}
	return c.in.status
}

func cat(c *call) int {
	files := c.args[1:]
	if len(files) == 0 {
		c.out.write(c.stdin)
		return 0
	}
	status := 0
	for _, f := range files {
		if f == "-" {
			c.out.write(c.stdin)
			continue
		}
		b, err := c.in.readFile(c.in.abs(f))
		if err != nil {
			if st, e := c.in.fs.Stat(c.in.abs(f)); e == nil && st.IsDir {
				c.errorf("cat: read error: Is a directory")
			} else {
				c.errorf("cat: can't open '%s': %s", f, errText(err))
			}
			status = 1
			continue
		}
		c.out.write(b)
	}
	return status
}

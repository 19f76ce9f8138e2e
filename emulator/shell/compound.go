package shell

// runCompound runs an if or for command with its stdout going to out.
func (in *interp) runCompound(c command, out sink) int {
	saved := in.out
	in.out = out
	defer func() { in.out = saved }()
	switch c := c.(type) {
	case *ifCmd:
		for i, cond := range c.conds {
			in.noErrexit++
			in.runList(cond)
			in.noErrexit--
			if in.done() {
				return in.status
			}
			if in.status == 0 {
				in.runList(c.bodies[i])
				return in.status
			}
		}
		if c.hasElse {
			in.runList(c.els)
			return in.status
		}
		return 0
	case *forCmd:
		var items []string
		if c.hasIn {
			items = in.expandWords(c.words)
		} else if len(in.args) > 1 {
			items = in.args[1:]
		}
		in.status = 0
		in.loopDepth++
		defer func() { in.loopDepth-- }()
		for _, it := range items {
			in.setVar(c.name, it)
			in.runList(c.body)
			if in.endLoop() {
				break
			}
		}
		return in.status
	case *whileCmd:
		status := 0
		in.loopDepth++
		defer func() { in.loopDepth-- }()
		for i := 0; ; i++ {
			if i == maxIterations {
				// A loop that does not end is a process that runs forever.
				in.r.forever = true
				return 0
			}
			in.noErrexit++
			in.runList(c.cond)
			in.noErrexit--
			if in.done() || (in.status == 0) == c.until {
				break
			}
			in.runList(c.body)
			status = in.status
			if in.endLoop() {
				break
			}
		}
		in.status = status
		return status
	}
	return 0
}

// maxIterations bounds while/until loops: past it the loop is taken to run
// forever (its first iterations' output and time are kept).
const maxIterations = 1000

// endLoop consumes a pending break or continue and reports whether the loop ends.
func (in *interp) endLoop() bool {
	switch in.loopCtl {
	case loopBreak:
		in.loopCtl = 0
		return true
	case loopContinue:
		in.loopCtl = 0
	}
	return in.done()
}

// Pending loop control set by break and continue.
const (
	loopBreak = 1 + iota
	loopContinue
)

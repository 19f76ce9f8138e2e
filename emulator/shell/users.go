package shell

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// account is a user as the container's /etc/passwd and /etc/group describe
// it; without those files, knownUsers stands in (uid = gid, no supplementary
// groups).
type account struct {
	uid, gid    int
	name, gname string     // "" when the id has no entry
	groups      []supGroup // supplementary groups, in /etc/group order
}

// supGroup is a supplementary group: its id and name ("" when it has none).
type supGroup struct {
	gid  int
	name string
}

// dbEntries parses a colon-separated database (/etc/passwd, /etc/group) into
// its records' fields; nil when the file is missing.
func (in *interp) dbEntries(file string) [][]string {
	b, err := in.fs.ReadFile(file)
	if err != nil {
		return nil
	}
	var out [][]string
	for _, l := range lines(b) {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.Split(l, ":"))
		}
	}
	return out
}

// lookupAccount resolves a user name or uid, and optionally a group (the
// container's User is "user[:group]"), the way the C library would in the
// container. ok is false for a name with no passwd entry (a uid is always
// valid).
func (in *interp) lookupAccount(user, group string) (a account, ok bool) {
	passwd, groups := in.dbEntries("/etc/passwd"), in.dbEntries("/etc/group")
	if passwd == nil {
		uid, gid, un, gn := ids(strings.TrimSuffix(user+":"+group, ":"))
		return account{uid: uid, gid: gid, name: un, gname: gn}, true
	}
	n, numeric := strconv.Atoi(user)
	if user == "" {
		n, numeric = 0, nil
	}
	found := false
	for _, f := range passwd {
		if len(f) < 4 {
			continue
		}
		uid, _ := strconv.Atoi(f[2])
		if (numeric == nil && uid == n) || (numeric != nil && f[0] == user) {
			a.uid, a.name, found = uid, f[0], true
			a.gid, _ = strconv.Atoi(f[3])
			break
		}
	}
	if !found {
		if numeric != nil {
			return a, false
		}
		a.uid, a.gid = n, n
	}
	groupName := func(gid int) string {
		for _, f := range groups {
			if len(f) >= 3 && f[2] == strconv.Itoa(gid) {
				return f[0]
			}
		}
		return ""
	}
	if group != "" {
		if g, err := strconv.Atoi(group); err == nil {
			a.gid = g
		} else {
			for _, f := range groups {
				if len(f) >= 3 && f[0] == group {
					a.gid, _ = strconv.Atoi(f[2])
				}
			}
		}
	}
	a.gname = groupName(a.gid)
	if a.name != "" {
		for _, f := range groups {
			if len(f) >= 4 && slices.Contains(strings.Split(f[3], ","), a.name) && f[2] != strconv.Itoa(a.gid) {
				a.groups = append(a.groups, supGroup{atoi(f[2]), f[0]})
			}
		}
	}
	return a, true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// named formats an id as id prints it: "n(name)", or "n" without a name.
func named(n int, s string) string {
	if s == "" {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d(%s)", n, s)
}

// id prints the real and effective ids of the container's user, or of the
// user named by the operand: `id`, `id -u`, `id -g`, `id -G`, with -n for
// names; an unknown user fails as coreutils' id does.
func id(c *call) int {
	fl, ops := flags(c.args[1:])
	user, group, _ := strings.Cut(c.in.c.User, ":")
	if len(ops) > 0 {
		user, group = ops[0], ""
	}
	a, ok := c.in.lookupAccount(user, group)
	if !ok {
		c.errorf("id: '%s': no such user", user)
		return 1
	}
	has := func(f string) bool { return strings.Contains(fl, f) }
	switch {
	case has("u"):
		c.println(pick(has("n"), a.name, a.uid))
	case has("g") && !has("G"):
		c.println(pick(has("n"), a.gname, a.gid))
	case has("G"):
		all := []string{pick(has("n"), a.gname, a.gid)}
		for _, g := range a.groups {
			all = append(all, pick(has("n"), g.name, g.gid))
		}
		c.println(strings.Join(all, " "))
	default:
		groups := []string{named(a.gid, a.gname)}
		for _, g := range a.groups {
			groups = append(groups, named(g.gid, g.name))
		}
		c.println("uid=" + named(a.uid, a.name) + " gid=" + named(a.gid, a.gname) + " groups=" + strings.Join(groups, ","))
	}
	return 0
}

// pick is a name when names are asked for and known, else the number.
func pick(names bool, name string, n int) string {
	if names && name != "" {
		return name
	}
	return strconv.Itoa(n)
}

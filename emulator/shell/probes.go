package shell

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// isLocal reports whether host names the container itself.
func (c *call) isLocal(host string) bool {
	switch host {
	case "", "localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "ip6-localhost":
		return true
	}
	return host == c.in.c.Hostname
}

// resolve returns host's first address, and false when it does not resolve.
func (c *call) resolve(host string) (string, bool) {
	if c.isLocal(host) {
		if host == "::1" || host == "[::1]" {
			return "::1", true
		}
		return "127.0.0.1", true
	}
	r := c.in.c.Resolver
	if r == nil {
		return "", false
	}
	addrs, ok := r.LookupHost(host)
	if !ok || len(addrs) == 0 {
		return "", false
	}
	return addrs[0], true
}

// open reports whether host:port accepts a connection (port 0: the tool's
// default port, only meaningful locally).
func (c *call) open(host string, port int) bool {
	if c.isLocal(host) {
		return c.in.c.Ready != nil && c.in.c.Ready(port)
	}
	return c.in.c.Resolver != nil && c.in.c.Resolver.Dial(host, port)
}

func getent(c *call) int {
	if len(c.args) < 2 {
		c.errorf("Usage: getent [OPTION...] database [key ...]")
		return 1
	}
	db := c.args[1]
	if db != "hosts" && db != "ahosts" && db != "ahostsv4" {
		c.errorf("Unknown database: %s", db)
		return 1
	}
	status := 0
	for _, name := range c.args[2:] {
		addr, ok := c.resolve(name)
		if !ok {
			status = 2
			continue
		}
		c.println(fmt.Sprintf("%-15s %s", addr, name))
	}
	return status
}

func nslookup(c *call) int {
	_, ops := flags(c.args[1:])
	if len(ops) == 0 {
		c.errorf("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]")
		return 1
	}
	name := ops[0]
	c.println("Server:\t\t127.0.0.11")
	c.println("Address:\t127.0.0.11:53")
	c.println("")
	addr, ok := c.resolve(name)
	if !ok {
		c.println("** server can't find " + name + ": NXDOMAIN")
		c.println("")
		return 1
	}
	c.println("Non-authoritative answer:")
	c.println("Name:\t" + name)
	c.println("Address: " + addr)
	c.println("")
	return 0
}

func ping(c *call) int {
	n := -1
	var host string
	args := c.args[1:]
	quiet := false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" && i+1 < len(args):
			v, err := strconv.Atoi(args[i+1])
			if err != nil || v < 1 {
				c.errorf("ping: invalid number '%s'", args[i+1])
				return 1
			}
			n = v
			i++
		case strings.HasPrefix(a, "-c") && len(a) > 2:
			n, _ = strconv.Atoi(a[2:])
		case a == "-q":
			quiet = true
		case (a == "-W" || a == "-w" || a == "-i" || a == "-s" || a == "-I") && i+1 < len(args):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			host = a
		}
	}
	if host == "" {
		c.errorf("ping: usage error: Destination address required")
		return 1
	}
	addr, ok := c.resolve(host)
	if !ok {
		c.errorf("ping: bad address '%s'", host)
		return 1
	}
	c.println(fmt.Sprintf("PING %s (%s): 56 data bytes", host, addr))
	if n < 0 {
		if !quiet {
			c.println(fmt.Sprintf("64 bytes from %s: seq=0 ttl=64 time=0.080 ms", addr))
		}
		c.in.r.forever = true
		return 0
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			c.in.r.wait(time.Second)
		}
		if !quiet {
			c.println(fmt.Sprintf("64 bytes from %s: seq=%d ttl=64 time=0.080 ms", addr, i))
		}
	}
	c.println("")
	c.println(fmt.Sprintf("--- %s ping statistics ---", host))
	c.println(fmt.Sprintf("%d packets transmitted, %d packets received, 0%% packet loss", n, n))
	c.println("round-trip min/avg/max = 0.080/0.080/0.080 ms")
	return 0
}

func nc(c *call) int {
	var ops []string
	zero, verbose, listen := false, false, false
	listenPort := ""
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-p" && i+1 < len(args):
			listenPort = args[i+1]
			i++
		case a == "-w" || a == "-W" || a == "-q" || a == "-i":
			i++
		case strings.HasPrefix(a, "-") && len(a) > 1:
			zero = zero || strings.Contains(a, "z")
			verbose = verbose || strings.Contains(a, "v")
			listen = listen || strings.Contains(a, "l")
		default:
			ops = append(ops, a)
		}
	}
	if listen && listenPort == "" && len(ops) > 0 {
		listenPort = ops[len(ops)-1]
	}
	if listen {
		srv := &Server{Name: "nc", ReadyAfter: c.in.r.t, GracefulSignals: []string{"SIGTERM", "SIGINT"}}
		if p, err := strconv.Atoi(listenPort); err == nil {
			srv.Ports = []int{p}
		}
		c.in.r.server = srv
		c.in.r.forever = true
		return 0
	}
	if len(ops) == 1 {
		if h, p, ok := strings.Cut(ops[0], ":"); ok {
			ops = []string{h, p}
		}
	}
	if len(ops) < 2 {
		c.errorf("BusyBox v1.37.0 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect")
		return 1
	}
	host := ops[0]
	port, err := strconv.Atoi(ops[1])
	if err != nil {
		c.errorf("nc: bad port '%s'", ops[1])
		return 1
	}
	addr, ok := c.resolve(host)
	if !ok {
		c.errorf("nc: bad address '%s'", host)
		return 1
	}
	if !c.open(host, port) {
		if verbose || !zero {
			c.errorf("nc: %s (%s:%d): Connection refused", host, addr, port)
		}
		return 1
	}
	if verbose {
		c.errorf("%s (%s:%d) open", host, addr, port)
	}
	return 0
}

// target is a parsed URL.
type target struct {
	host string
	port int
	path string
}

func parseTarget(u string) target {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "http", u
	}
	port := 80
	if scheme == "https" {
		port = 443
	}
	hostport, p, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(hostport, '@'); i >= 0 {
		hostport = hostport[i+1:]
	}
	host := hostport
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i > 0 {
			host = hostport[1:i]
			if strings.HasPrefix(hostport[i+1:], ":") {
				port, _ = strconv.Atoi(hostport[i+2:])
			}
		}
	} else if h, ps, ok := strings.Cut(hostport, ":"); ok {
		host = h
		if n, err := strconv.Atoi(ps); err == nil {
			port = n
		}
	}
	return target{host: host, port: port, path: "/" + p}
}

// body is the page served at t: the local server's default page, or "OK".
func (c *call) body(t target) string {
	if c.isLocal(t.host) && c.in.r.server != nil {
		switch c.in.r.server.Name {
		case "nginx":
			return "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n"
		case "httpd":
			return "<html><body><h1>It works!</h1></body></html>\n"
		}
	}
	return "OK"
}

func wget(c *call) int {
	quiet, spider := false, false
	out := ""
	var url string
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-O" && i+1 < len(args):
			out = args[i+1]
			i++
		case strings.HasPrefix(a, "-O") && len(a) > 2:
			out = a[2:]
		case strings.HasPrefix(a, "--output-document="):
			out = strings.TrimPrefix(a, "--output-document=")
		case a == "--spider":
			spider = true
		case a == "-q" || a == "--quiet" || a == "-nv" || a == "--no-verbose":
			quiet = true
		case a == "-T" || a == "-t" || a == "-U" || a == "--header" || a == "-Y":
			i++
		case strings.HasPrefix(a, "-"):
			if strings.Contains(a, "q") && !strings.HasPrefix(a, "--") {
				quiet = true
			}
		default:
			url = a
		}
	}
	if url == "" {
		c.errorf("wget: missing URL")
		return 1
	}
	t := parseTarget(url)
	addr, ok := c.resolve(t.host)
	if !ok {
		c.errorf("wget: bad address '%s'", t.host)
		return 1
	}
	if !quiet {
		c.errorf("Connecting to %s (%s:%d)", t.host, addr, t.port)
	}
	if !c.open(t.host, t.port) {
		c.errorf("wget: can't connect to remote host (%s): Connection refused", addr)
		return 1
	}
	if spider {
		if !quiet {
			c.errorf("remote file exists")
		}
		return 0
	}
	body := c.body(t)
	switch out {
	case "-":
		if !quiet {
			c.errorf("writing to stdout")
		}
		c.print(body)
		return 0
	case "/dev/null":
		return 0
	case "":
		out = path.Base(t.path)
		if out == "/" || out == "." {
			out = "index.html"
		}
	}
	if !quiet {
		c.errorf("saving to '%s'", out)
	}
	if err := c.in.fs.WriteFile(c.in.abs(out), []byte(body)); err != nil {
		c.errorf("wget: can't open '%s': %s", out, errText(err))
		return 1
	}
	if !quiet {
		c.errorf("'%s' saved", out)
	}
	return 0
}

func curl(c *call) int {
	silent, showErr, head := false, false, false
	out := ""
	var url string
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--output":
			if i+1 < len(args) {
				out = args[i+1]
			}
			i++
		case a == "-s" || a == "--silent":
			silent = true
		case a == "-S" || a == "--show-error":
			showErr = true
		case a == "-I" || a == "--head":
			head = true
		case a == "-f" || a == "--fail" || a == "-L" || a == "--location" || a == "-k" || a == "--insecure" || a == "-v":
		case a == "-m" || a == "--max-time" || a == "-X" || a == "-H" || a == "-d" || a == "--data" || a == "-w" ||
			a == "--write-out" || a == "-u" || a == "--connect-timeout" || a == "--retry" || a == "-A" || a == "--user-agent":
			i++
		case strings.HasPrefix(a, "--"):
		case strings.HasPrefix(a, "-") && len(a) > 1:
			silent = silent || strings.Contains(a, "s")
			showErr = showErr || strings.Contains(a, "S")
			head = head || strings.Contains(a, "I")
			if strings.HasSuffix(a, "o") && i+1 < len(args) {
				out = args[i+1]
				i++
			}
		default:
			url = a
		}
	}
	fail := func(code int, msg string) int {
		if !silent || showErr {
			c.errorf("curl: (%d) %s", code, msg)
		}
		return code
	}
	if url == "" {
		return fail(2, "no URL specified")
	}
	t := parseTarget(url)
	if _, ok := c.resolve(t.host); !ok {
		return fail(6, "Could not resolve host: "+t.host)
	}
	if !c.open(t.host, t.port) {
		return fail(7, fmt.Sprintf("Failed to connect to %s port %d after 0 ms: Couldn't connect to server", t.host, t.port))
	}
	body := c.body(t)
	if head {
		body = "HTTP/1.1 200 OK\r\n\r\n"
	}
	switch out {
	case "", "-":
		c.print(body)
	case "/dev/null":
	default:
		if err := c.in.fs.WriteFile(c.in.abs(out), []byte(body)); err != nil {
			return fail(23, "Failure writing output to destination")
		}
	}
	return 0
}

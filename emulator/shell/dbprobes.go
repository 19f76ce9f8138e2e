package shell

import (
	"strconv"
	"strings"
)

// hostPort reads -h HOST and -p PORT style options common to database clients.
func hostPort(args []string, hostFlag, portFlag string) (host string, port int, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == hostFlag || a == "--host":
			if i+1 < len(args) {
				host = args[i+1]
			}
			i++
		case strings.HasPrefix(a, hostFlag) && len(a) > len(hostFlag) && !strings.HasPrefix(a, "--"):
			host = a[len(hostFlag):]
		case strings.HasPrefix(a, "--host="):
			host = strings.TrimPrefix(a, "--host=")
		case a == portFlag || a == "--port":
			if i+1 < len(args) {
				port, _ = strconv.Atoi(args[i+1])
			}
			i++
		case strings.HasPrefix(a, "--port="):
			port, _ = strconv.Atoi(strings.TrimPrefix(a, "--port="))
		default:
			rest = append(rest, a)
		}
	}
	return host, port, rest
}

func pgIsReady(c *call) int {
	host, port, rest := hostPort(c.args[1:], "-h", "-p")
	quiet := false
	for _, a := range rest {
		quiet = quiet || a == "-q" || a == "--quiet"
	}
	if port == 0 {
		port = 5432
	}
	where := "/var/run/postgresql:" + strconv.Itoa(port)
	if host != "" && !strings.HasPrefix(host, "/") {
		where = host + ":" + strconv.Itoa(port)
		if _, ok := c.resolve(host); !ok {
			if !quiet {
				c.println(where + " - no attempt")
			}
			return 3
		}
	}
	if c.open(host, port) {
		if !quiet {
			c.println(where + " - accepting connections")
		}
		return 0
	}
	if !quiet {
		c.println(where + " - no response")
	}
	return 2
}

func redisCLI(c *call) int {
	host, port, rest := hostPort(c.args[1:], "-h", "-p")
	var cmd []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "-a" || a == "-n" || a == "--user" || a == "--pass" || a == "-u":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			cmd = append(cmd, a)
		}
	}
	if port == 0 {
		port = 6379
	}
	if host == "" {
		host = "127.0.0.1"
	}
	addr, ok := c.resolve(host)
	if !ok {
		c.errorf("Could not connect to Redis at %s:%d: Name does not resolve", host, port)
		return 1
	}
	if !c.open(host, port) {
		c.errorf("Could not connect to Redis at %s:%d: Connection refused", addr, port)
		return 1
	}
	if len(cmd) == 0 {
		return 0
	}
	switch strings.ToLower(cmd[0]) {
	case "ping":
		c.println("PONG")
	case "incr", "decr", "exists", "del", "dbsize":
		c.println("1")
	case "get":
		c.println("")
	default:
		c.println("OK")
	}
	return 0
}

func mysqladmin(c *call) int {
	host, port, rest := hostPort(c.args[1:], "-h", "-P")
	silent := false
	var cmd string
	for _, a := range rest {
		switch {
		case a == "--silent" || a == "-s":
			silent = true
		case !strings.HasPrefix(a, "-"):
			if cmd == "" {
				cmd = a
			}
		}
	}
	if port == 0 {
		port = 3306
	}
	if !c.open(host, port) {
		if host == "" || host == "localhost" {
			c.errorf("%s: connect to server at 'localhost' failed", c.name())
			c.errorf("error: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'")
			c.errorf("Check that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!")
		} else {
			c.errorf("%s: connect to server at '%s' failed", c.name(), host)
			c.errorf("error: 'Can't connect to MySQL server on '%s:%d' (111)'", host, port)
		}
		return 1
	}
	if cmd == "ping" && !silent {
		c.println("mysqld is alive")
	}
	return 0
}

// mariadbHealth is the healthcheck.sh of the mariadb and vaultwarden images: it
// succeeds when the local server is ready.
func mariadbHealth(c *call) int {
	if c.open("", 0) {
		return 0
	}
	if c.in.c.Image == "mariadb" {
		c.errorf("healthcheck connect failed")
	}
	return 1
}

func mongosh(c *call) int {
	host, port, _ := hostPort(c.args[1:], "--host", "--port")
	if port == 0 {
		port = 27017
	}
	if !c.open(host, port) {
		h := host
		if h == "" {
			h = "127.0.0.1"
		}
		c.errorf("MongoNetworkError: connect ECONNREFUSED %s:%d", h, port)
		return 1
	}
	c.println("{ ok: 1 }")
	return 0
}

func atoiDefault(s string, d int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return d
	}
	return n
}

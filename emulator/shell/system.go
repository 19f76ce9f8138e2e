package shell

import "strings"

// top without a terminal prints a process snapshot and keeps running.
func top(c *call) int {
	c.println("  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND")
	c.println("    1     0 root     R     1624   0%   0   0% top")
	c.in.r.forever = true
	return 0
}

// ip shows the container's interfaces (loopback and eth0) and its route.
func ip(c *call) int {
	obj := "help"
	for _, a := range c.args[1:] {
		if !strings.HasPrefix(a, "-") {
			obj = a
			break
		}
	}
	addr := ""
	if r := c.in.c.Resolver; r != nil {
		if as, ok := r.LookupHost(c.in.c.Hostname); ok && len(as) > 0 {
			addr = as[0]
		}
	}
	switch {
	case strings.HasPrefix("link", obj):
		c.println("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000")
		c.println("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00")
		if addr != "" {
			c.println("2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP")
			c.println("    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff")
		}
	case strings.HasPrefix("address", obj):
		c.println("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000")
		c.println("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00")
		c.println("    inet 127.0.0.1/8 scope host lo")
		c.println("       valid_lft forever preferred_lft forever")
		if addr != "" {
			c.println("2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP")
			c.println("    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff")
			c.println("    inet " + addr + "/16 scope global eth0")
			c.println("       valid_lft forever preferred_lft forever")
		}
	case strings.HasPrefix("route", obj):
		if addr != "" {
			parts := strings.Split(addr, ".")
			if len(parts) == 4 {
				c.println("default via " + parts[0] + "." + parts[1] + ".0.1 dev eth0")
				c.println(parts[0] + "." + parts[1] + ".0.0/16 dev eth0 scope link  src " + addr)
			}
		}
	default:
		c.errorf("BusyBox v1.37.0 multi-call binary.\n\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]")
		return 1
	}
	return 0
}

// sqlcmd answers `sqlcmd -S host[,port] -Q 'SELECT 1'` from reachability.
func sqlcmd(c *call) int {
	host, port := "localhost", 1433
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		if args[i] == "-S" && i+1 < len(args) {
			host = args[i+1]
			if h, p, ok := strings.Cut(host, ","); ok {
				host = h
				port = atoiDefault(p, port)
			}
			i++
		}
	}
	if !c.open(host, port) {
		c.errorf("Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Login timeout expired.")
		return 1
	}
	c.println("")
	c.println("-----------")
	c.println("          1")
	c.println("")
	c.println("(1 rows affected)")
	return 0
}

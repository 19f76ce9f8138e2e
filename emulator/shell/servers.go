package shell

import (
	"slices"
	"strings"
	"time"
)

// program is a known long-running server of the image catalog.
type program struct {
	name     string
	ports    []int
	graceful []string // signals after which it exits 0
	ignored  []string // signals it handles and keeps running
	// start prints the start-up lines (advancing the clock) and returns false
	// when the server fails to start (the exit status is then in c.in.status).
	start func(c *call, viaEntrypoint bool) bool
}

var servers map[string]*program

// entrypoints are the catalog images' entrypoint scripts: they run their
// arguments, or the image's server when given only flags.
var entrypoints = map[string]bool{"docker-entrypoint.sh": true, "entrypoint.sh": true, "run.sh": true,
	"start.sh": true, "hello": true, "python": true, "python3": true, "node": true, "npm": true,
	"yarn": true}

// defaultServer is the server an entrypoint starts for an image given only flags.
var defaultServer = map[string]string{"nginx": "nginx", "postgres": "postgres", "redis": "redis-server",
	"mysql": "mysqld", "mariadb": "mariadbd", "mongo": "mongod", "traefik": "traefik",
	"node": "node", "httpd": "httpd-foreground"}

// appRunners start an application server whose port is unknown.
var appRunners = []string{"app", "gunicorn", "uvicorn", "hypercorn", "flask", "java", "dotnet", "php-fpm",
	"puma", "rails", "rackup", "caddy", "vaultwarden", "logstash", "elasticsearch", "kibana"}

var stdSignals = []string{"SIGTERM", "SIGINT", "SIGQUIT"}

func init() {
	servers = map[string]*program{
		"nginx":            {name: "nginx", ports: []int{80}, graceful: stdSignals, ignored: []string{"SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH"}, start: startNginx},
		"postgres":         {name: "postgres", ports: []int{5432}, graceful: stdSignals, ignored: []string{"SIGHUP"}, start: startPostgres},
		"redis-server":     {name: "redis-server", ports: []int{6379}, graceful: []string{"SIGTERM", "SIGINT"}, start: startRedis},
		"mysqld":           {name: "mysqld", ports: []int{3306, 33060}, graceful: stdSignals, ignored: []string{"SIGHUP"}, start: startMySQL},
		"mariadbd":         {name: "mariadbd", ports: []int{3306}, graceful: stdSignals, ignored: []string{"SIGHUP"}, start: startMySQL},
		"mongod":           {name: "mongod", ports: []int{27017}, graceful: stdSignals, start: startMongo},
		"httpd-foreground": {name: "httpd", ports: []int{80}, graceful: []string{"SIGTERM", "SIGINT", "SIGWINCH"}, ignored: []string{"SIGHUP", "SIGUSR1"}, start: startHttpd},
		"traefik":          {name: "traefik", ports: []int{80, 8080}, graceful: stdSignals, start: startTraefik},
		"prometheus":       {name: "prometheus", ports: []int{9090}, graceful: stdSignals, ignored: []string{"SIGHUP"}, start: startPrometheus},
		"grafana":          {name: "grafana", ports: []int{3000}, graceful: stdSignals, start: startGrafana},
	}
	servers["httpd"] = servers["httpd-foreground"]
	servers["grafana-server"] = servers["grafana"]
	for _, n := range appRunners {
		servers[n] = &program{name: n, graceful: stdSignals, start: startApp}
	}
}

// startProgram runs a server, an entrypoint script or a language runtime.
func startProgram(c *call) int {
	in := c.in
	name := c.name()
	args := c.args[1:]
	if entrypoints[name] {
		switch name {
		case "hello":
			for _, l := range helloLines {
				c.println(l)
			}
			return 0
		case "python", "python3", "node":
			return runtime(c, name, args)
		case "npm", "yarn":
			if len(args) > 0 && (args[0] == "start" || args[0] == "run" || args[0] == "dev" || args[0] == "serve") {
				return serve(c, &program{name: name, graceful: stdSignals, start: startApp}, true)
			}
			return 0
		case "run.sh":
			return serve(c, servers["grafana"], true)
		case "start.sh":
			return serve(c, &program{name: "vaultwarden", ports: []int{80}, graceful: stdSignals, start: startApp}, true)
		}
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			def := defaultServer[in.c.Image]
			if def == "" {
				if len(args) == 0 {
					return 0
				}
				c.errorf("%s: %s: not found", in.sh, args[0])
				return 127
			}
			args = append([]string{def}, args...)
		}
		if p := servers[args[0]]; p != nil {
			return serve(&call{in: in, args: args, pre: c.pre, stdin: c.stdin, out: c.out, err: c.err}, p, true)
		}
		if err := in.exec(args, c.pre, c.stdin, c.out, c.err, false); err != nil {
			in.lastErr = err
		}
		return in.status
	}
	if name == "nginx" && slices.ContainsFunc(args, func(a string) bool { return a == "-t" || a == "-T" || a == "-v" || a == "-V" }) {
		if slices.Contains(args, "-t") || slices.Contains(args, "-T") {
			c.errorf("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok")
			c.errorf("nginx: configuration file /etc/nginx/nginx.conf test is successful")
		} else {
			c.errorf("nginx version: nginx/1.27.4")
		}
		return 0
	}
	return serve(c, servers[name], false)
}

// runtime is python/node: a REPL without arguments, a server with a script.
func runtime(c *call, name string, args []string) int {
	if len(args) == 0 {
		if c.in.c.OpenStdin {
			c.in.r.forever = true
		}
		return 0
	}
	switch args[0] {
	case "-c", "-e", "--eval", "-V", "--version", "-v":
		return 0
	case "-m":
		if len(args) > 1 && args[1] == "http.server" {
			return serve(c, &program{name: name, ports: []int{8000}, graceful: stdSignals, start: startApp}, false)
		}
	}
	return serve(c, &program{name: name, graceful: stdSignals, start: startApp}, false)
}

// serve starts p: prints its start-up lines and marks the run never-ending.
func serve(c *call, p *program, viaEntrypoint bool) int {
	if !p.start(c, viaEntrypoint) {
		return c.in.status
	}
	c.in.r.server = &Server{Name: p.name, ReadyAfter: c.in.r.t, Ports: p.ports,
		GracefulSignals: p.graceful, IgnoredSignals: p.ignored}
	c.in.r.forever = true
	return 0
}

// logLine prints a server log line with a timestamp (after prefix) at the
// current offset + d; d advances the clock.
func (c *call) logLine(stream int, d time.Duration, prefix, stamp, text string) {
	c.in.r.wait(d)
	s := c.out
	if stream == Stderr {
		s = c.err
	}
	if ls, ok := s.(*logSink); ok {
		ls.flush()
		ls.emitLine(Line{Prefix: prefix, Stamp: stamp, Text: text})
		return
	}
	s.write([]byte(prefix + text + "\n"))
}

func (c *call) hasEnv(keys ...string) bool {
	for _, k := range keys {
		if v, ok := c.in.getenv(c.pre, k); ok && v != "" {
			return true
		}
	}
	return false
}

const ms = time.Millisecond

var helloLines = []string{"", "Hello from Docker!", "This message shows that your installation appears to be working correctly.", "",
	"To generate this message, Docker took the following steps:",
	" 1. The Docker client contacted the Docker daemon.",
	" 2. The Docker daemon pulled the \"hello-world\" image from the Docker Hub.",
	"    (amd64)",
	" 3. The Docker daemon created a new container from that image which runs the",
	"    executable that produces the output you are currently reading.",
	" 4. The Docker daemon streamed that output to the Docker client, which sent it",
	"    to your terminal.", "",
	"To try something more ambitious, you can run an Ubuntu container with:",
	" $ docker run -it ubuntu bash", "",
	"Share images, automate workflows, and more with a free Docker ID:",
	" https://hub.docker.com/", "",
	"For more examples and ideas, visit:",
	" https://docs.docker.com/get-started/", ""}

func startNginx(c *call, via bool) bool {
	if via {
		for _, l := range []string{
			"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
			"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
			"10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
			"10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
			"/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
			"/docker-entrypoint.sh: Configuration complete; ready for start up",
		} {
			c.logLine(Stdout, 2*ms, "", "", l)
		}
	}
	const st = "2006/01/02 15:04:05"
	for _, l := range []string{
		` [notice] 1#1: using the "epoll" event method`,
		` [notice] 1#1: nginx/1.27.4`,
		` [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)`,
		` [notice] 1#1: OS: Linux 6.1.0`,
		` [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
		` [notice] 1#1: start worker processes`,
		` [notice] 1#1: start worker process 29`,
		` [notice] 1#1: start worker process 30`,
	} {
		c.logLine(Stderr, 5*ms, "", st, l)
	}
	return true
}

func startPostgres(c *call, via bool) bool {
	const st = "2006-01-02 15:04:05.000 UTC"
	data := "/var/lib/postgresql/data"
	if v, ok := c.in.getenv(c.pre, "PGDATA"); ok && v != "" {
		data = v
	}
	initialized := false
	if _, err := c.in.fs.Stat(data + "/PG_VERSION"); err == nil {
		initialized = true
	}
	if via && !initialized {
		if !c.hasEnv("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE") {
			if v, _ := c.in.getenv(c.pre, "POSTGRES_HOST_AUTH_METHOD"); v != "trust" {
				for _, l := range []string{
					"Error: Database is uninitialized and superuser password is not specified.",
					"       You must specify POSTGRES_PASSWORD to a non-empty value for the",
					"       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
					"",
					"       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all",
					"       connections without a password. This is *not* recommended.",
					"",
					"       See PostgreSQL documentation about \"trust\":",
					"       https://www.postgresql.org/docs/current/auth-trust.html",
				} {
					c.logLine(Stderr, ms, "", "", l)
				}
				c.in.status = 1
				return false
			}
		}
		for _, l := range []string{
			`The files belonging to this database system will be owned by user "postgres".`,
			"This user must also own the server process.", "",
			`The database cluster will be initialized with locale "en_US.utf8".`,
			`The default database encoding has accordingly been set to "UTF8".`,
			`The default text search configuration will be set to "english".`, "",
			"Data page checksums are disabled.", "",
			"fixing permissions on existing directory " + data + " ... ok",
			"creating subdirectories ... ok",
			"selecting dynamic shared memory implementation ... posix",
			"selecting default \"max_connections\" ... 100",
			"selecting default \"shared_buffers\" ... 128MB",
			"selecting default time zone ... Etc/UTC",
			"creating configuration files ... ok",
			"running bootstrap script ... ok",
			"performing post-bootstrap initialization ... ok",
			"syncing data to disk ... ok", "", "",
			"Success. You can now start the database server using:", "",
			"    pg_ctl -D " + data + " -l logfile start", "",
			"waiting for server to start.... done",
			"server started", "",
			"/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*", "",
			"waiting for server to shut down.... done",
			"server stopped", "",
			"PostgreSQL init process complete; ready for start up.", "",
		} {
			c.logLine(Stdout, 50*ms, "", "", l)
		}
		if err := c.in.fs.MkdirAll(data); err == nil {
			_ = c.in.fs.WriteFile(data+"/PG_VERSION", []byte("17\n"))
		}
	} else if via {
		c.logLine(Stdout, 5*ms, "", "", "")
		c.logLine(Stdout, 0, "", "", "PostgreSQL Database directory appears to contain a database; Skipping initialization")
		c.logLine(Stdout, 0, "", "", "")
	}
	for _, l := range []string{
		" [1] LOG:  starting PostgreSQL 17.4 (Debian 17.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
		` [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
		` [1] LOG:  listening on IPv6 address "::", port 5432`,
		` [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
		" [1] LOG:  database system is ready to accept connections",
	} {
		c.logLine(Stderr, 100*ms, "", st, l)
	}
	return true
}

func startRedis(c *call, _ bool) bool {
	const st = "02 Jan 2006 15:04:05.000"
	for _, l := range []struct{ p, t string }{
		{"1:C ", " * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"},
		{"1:C ", " * Redis version=7.4.2, bits=64, commit=00000000, modified=0, pid=1, just started"},
		{"1:C ", " # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"},
		{"1:M ", " * monotonic clock: POSIX clock_gettime"},
		{"1:M ", " * Running mode=standalone, port=6379."},
		{"1:M ", " * Server initialized"},
		{"1:M ", " * Ready to accept connections tcp"},
	} {
		c.logLine(Stdout, 10*ms, l.p, st, l.t)
	}
	return true
}

func startMySQL(c *call, via bool) bool {
	const st = "2006-01-02T15:04:05.000000Z"
	maria := c.name() == "mariadbd"
	if via {
		keys := []string{"MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD_FILE"}
		if maria {
			keys = append(keys, "MARIADB_ROOT_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD_HASH")
		}
		if _, err := c.in.fs.Stat("/var/lib/mysql/mysql"); err != nil && !c.hasEnv(keys...) {
			c.logLine(Stderr, ms, "", "", "")
			c.logLine(Stderr, 0, "", "", "error: database is uninitialized and password option is not specified")
			c.logLine(Stderr, 0, "", "", "    You need to specify one of the following as an environment variable:")
			for _, k := range keys[:3] {
				c.logLine(Stderr, 0, "", "", "    - "+k)
			}
			c.in.status = 1
			return false
		}
		_ = c.in.fs.MkdirAll("/var/lib/mysql/mysql")
	}
	if maria {
		for _, l := range []string{
			" 0 [Note] Starting MariaDB 11.7.2-MariaDB-ubu2404 source revision as process 1",
			" 0 [Note] InnoDB: Buffer pool(s) load completed",
			" 0 [Note] Server socket created on IP: '0.0.0.0', port: '3306'.",
			" 0 [Note] mariadbd: ready for connections.",
		} {
			c.logLine(Stderr, 500*ms, "", "2006-01-02 15:04:05", l)
		}
		return true
	}
	for _, l := range []string{
		" 0 [System] [MY-015015] [Server] MySQL Server - start.",
		" 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 9.2.0) starting as process 1",
		" 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.",
		" 1 [System] [MY-013577] [InnoDB] InnoDB initialization has ended.",
		" 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock",
		" 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '9.2.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
	} {
		c.logLine(Stderr, 400*ms, "", st, l)
	}
	return true
}

func startMongo(c *call, _ bool) bool {
	const st = "2006-01-02T15:04:05.000+00:00"
	for _, l := range []string{
		`"},"s":"I",  "c":"CONTROL",  "id":23285,   "ctx":"main","msg":"Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'"}`,
		`"},"s":"I",  "c":"CONTROL",  "id":4615611, "ctx":"initandlisten","msg":"MongoDB starting","attr":{"pid":1,"port":27017,"dbPath":"/data/db","architecture":"64-bit","host":"` + c.in.c.Hostname + `"}}`,
		`"},"s":"I",  "c":"NETWORK",  "id":23015,   "ctx":"listener","msg":"Listening on","attr":{"address":"0.0.0.0"}}`,
		`"},"s":"I",  "c":"NETWORK",  "id":23016,   "ctx":"listener","msg":"Waiting for connections","attr":{"port":27017,"ssl":"off"}}`,
	} {
		c.logLine(Stdout, 200*ms, `{"t":{"$date":"`, st, l)
	}
	return true
}

func startHttpd(c *call, _ bool) bool {
	c.logLine(Stderr, 5*ms, "", "", "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172.17.0.2. Set the 'ServerName' directive globally to suppress this message")
	c.logLine(Stderr, 0, "", "", "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172.17.0.2. Set the 'ServerName' directive globally to suppress this message")
	const st = "Mon Jan 02 15:04:05.000000 2006"
	c.logLine(Stderr, 10*ms, "[", st, "] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix) configured -- resuming normal operations")
	c.logLine(Stderr, 0, "[", st, "] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'")
	return true
}

func startTraefik(c *call, _ bool) bool {
	const st = "2006-01-02T15:04:05Z07:00"
	c.logLine(Stdout, 20*ms, "", st, " INF Traefik version 3.3.4 built on 2025-02-25T10:11:01Z version=3.3.4")
	c.logLine(Stdout, 100*ms, "", st, " INF Starting provider aggregator *aggregator.ProviderAggregator")
	c.logLine(Stdout, 100*ms, "", st, " INF Starting provider *traefik.Provider")
	return true
}

func startPrometheus(c *call, _ bool) bool {
	const st = "2006-01-02T15:04:05.000Z07:00"
	for _, l := range []string{
		` level=INFO source=main.go:640 msg="No time or size retention was set so using the default time retention" duration=15d`,
		` level=INFO source=main.go:687 msg="Starting Prometheus Server" mode=server version="(version=3.2.1, branch=HEAD, revision=804c49d58f3f3784c77c9c8ec17c9062092cae27)"`,
		` level=INFO source=web.go:654 msg="Start listening for connections" component=web address=0.0.0.0:9090`,
		` level=INFO source=main.go:1247 msg="Server is ready to receive web requests."`,
	} {
		c.logLine(Stderr, 100*ms, "time=", st, l)
	}
	return true
}

func startGrafana(c *call, _ bool) bool {
	const st = "2006-01-02T15:04:05.000000000Z07:00"
	c.logLine(Stdout, 100*ms, "logger=settings t=", st, ` level=info msg="Starting Grafana" version=11.5.2 commit=598e0338d5 branch=HEAD compiled=2025-02-18T19:21:42Z`)
	c.logLine(Stdout, time.Second, "logger=sqlstore t=", st, ` level=info msg="Connecting to DB" dbtype=sqlite3`)
	c.logLine(Stdout, time.Second, "logger=http.server t=", st, ` level=info msg="HTTP Server Listen" address=[::]:3000 protocol=http subUrl= socket=`)
	return true
}

func startApp(c *call, _ bool) bool {
	c.in.r.wait(500 * ms)
	return true
}

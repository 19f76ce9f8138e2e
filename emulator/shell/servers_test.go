package shell

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		image  string
		argv   []string
		env    []string
		server string
		ports  []int
		ready  string // a line printed by the time the server is ready
		last   int    // stream of the ready line
	}{
		{name: "nginx", image: "nginx", argv: []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}, server: "nginx", ports: []int{80}, ready: "start worker processes", last: Stderr},
		{name: "postgres", image: "postgres", argv: []string{"docker-entrypoint.sh", "postgres"}, env: []string{"POSTGRES_PASSWORD=pw"}, server: "postgres", ports: []int{5432}, ready: "database system is ready to accept connections", last: Stderr},
		{name: "postgres flags only", image: "postgres", argv: []string{"docker-entrypoint.sh", "-c", "max_connections=200"}, env: []string{"POSTGRES_HOST_AUTH_METHOD=trust"}, server: "postgres", ports: []int{5432}, ready: "database system is ready to accept connections", last: Stderr},
		{name: "redis", image: "redis", argv: []string{"docker-entrypoint.sh", "redis-server"}, server: "redis-server", ports: []int{6379}, ready: "Ready to accept connections tcp", last: Stdout},
		{name: "redis via sh", image: "redis", argv: []string{"sh", "-c", "exec redis-server --appendonly yes"}, server: "redis-server", ports: []int{6379}, ready: "Ready to accept connections tcp", last: Stdout},
		{name: "mysql", image: "mysql", argv: []string{"docker-entrypoint.sh", "mysqld"}, env: []string{"MYSQL_ROOT_PASSWORD=x"}, server: "mysqld", ports: []int{3306, 33060}, ready: "ready for connections", last: Stderr},
		{name: "mariadb", image: "mariadb", argv: []string{"docker-entrypoint.sh", "mariadbd"}, env: []string{"MARIADB_ROOT_PASSWORD=x"}, server: "mariadbd", ports: []int{3306}, ready: "ready for connections", last: Stderr},
		{name: "mongo", image: "mongo", argv: []string{"docker-entrypoint.sh", "mongod"}, server: "mongod", ports: []int{27017}, ready: "Waiting for connections", last: Stdout},
		{name: "httpd", image: "httpd", argv: []string{"httpd-foreground"}, server: "httpd", ports: []int{80}, ready: "resuming normal operations", last: Stderr},
		{name: "traefik", image: "traefik", argv: []string{"/entrypoint.sh", "traefik"}, server: "traefik", ports: []int{80, 8080}, ready: "Starting provider *traefik.Provider", last: Stdout},
		{name: "prometheus", image: "prom/prometheus", argv: []string{"/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml"}, server: "prometheus", ports: []int{9090}, ready: "Server is ready to receive web requests.", last: Stderr},
		{name: "grafana", image: "grafana/grafana", argv: []string{"/run.sh"}, server: "grafana", ports: []int{3000}, ready: "HTTP Server Listen", last: Stdout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := baseCtx()
			c.Image = tc.image
			c.Env = append(c.Env, tc.env...)
			res, err := Run(c, tc.argv)
			if err != nil {
				t.Fatal(err)
			}
			if !res.RunsForever || res.Server == nil || res.Server.Name != tc.server || !slices.Equal(res.Server.Ports, tc.ports) {
				t.Fatalf("result %+v server %+v", res, res.Server)
			}
			if res.Server.ReadyAfter <= 0 || res.Server.ReadyAfter != res.Duration {
				t.Errorf("ReadyAfter %v Duration %v", res.Server.ReadyAfter, res.Duration)
			}
			lines := res.Lines()
			if last := lines[len(lines)-1]; last.Offset != res.Server.ReadyAfter {
				t.Errorf("last line at %v, ready at %v", last.Offset, res.Server.ReadyAfter)
			}
			i := slices.IndexFunc(lines, func(l Line) bool { return strings.Contains(l.Text, tc.ready) })
			if i < 0 || lines[i].Stream != tc.last {
				t.Errorf("no line %q on stream %d in %q", tc.ready, tc.last, res.Output(time.Time{}))
			}
			for i := 1; i < len(lines); i++ {
				if lines[i].Offset < lines[i-1].Offset {
					t.Errorf("offsets go back at line %d", i)
				}
			}
		})
	}
}

func TestServerLineStamps(t *testing.T) {
	start := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	c := baseCtx()
	res, _ := Run(c, []string{"redis-server"})
	got := res.Lines()[0].Render(start)
	if want := "1:C 28 Nov 2026 13:00:00.010 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"; got != want {
		t.Errorf("redis line = %q, want %q", got, want)
	}
	res, _ = Run(c, []string{"nginx", "-g", "daemon off;"})
	if got := res.Stderr[0].Render(start); got != `2026/11/28 13:00:00 [notice] 1#1: using the "epoll" event method` {
		t.Errorf("nginx line = %q", got)
	}
	if len(res.Stdout) != 0 {
		t.Errorf("nginx without its entrypoint printed the entrypoint lines: %v", res.Stdout)
	}
}

func TestServerStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name, image string
		argv        []string
		first       string
	}{
		{"postgres without password", "postgres", []string{"docker-entrypoint.sh", "postgres"}, "Error: Database is uninitialized and superuser password is not specified."},
		{"mysql without password", "mysql", []string{"docker-entrypoint.sh", "mysqld"}, "error: database is uninitialized and password option is not specified"},
	} {
		c := baseCtx()
		c.Image = tc.image
		res, err := Run(c, tc.argv)
		if err != nil || res.RunsForever || res.ExitCode != 1 {
			t.Errorf("%s: %+v %v", tc.name, res, err)
			continue
		}
		if !strings.Contains(texts(res.Stderr), tc.first) {
			t.Errorf("%s: stderr %q", tc.name, texts(res.Stderr))
		}
	}
}

// TestPostgresDataPersists: the first start initialises the data directory in
// the filesystem; a start on the same filesystem (a volume) skips initialisation.
func TestPostgresDataPersists(t *testing.T) {
	c := baseCtx()
	c.Env = append(c.Env, "POSTGRES_PASSWORD=pw")
	first, _ := Run(c, []string{"docker-entrypoint.sh", "postgres"})
	if !strings.Contains(texts(first.Stdout), "PostgreSQL init process complete; ready for start up.") {
		t.Fatalf("first start did not initialise: %q", texts(first.Stdout))
	}
	if _, err := c.FS.Stat("/var/lib/postgresql/data/PG_VERSION"); err != nil {
		t.Fatal(err)
	}
	second, _ := Run(c, []string{"docker-entrypoint.sh", "postgres"})
	if !strings.Contains(texts(second.Stdout), "Skipping initialization") || second.Server.ReadyAfter >= first.Server.ReadyAfter {
		t.Errorf("second start: %q ready %v (first %v)", texts(second.Stdout), second.Server.ReadyAfter, first.Server.ReadyAfter)
	}
}

func TestEntrypointPassesCommand(t *testing.T) {
	c := baseCtx()
	c.Image = "postgres"
	res, err := Run(c, []string{"docker-entrypoint.sh", "echo", "migrate"})
	if err != nil || res.RunsForever || texts(res.Stdout) != "migrate\n" {
		t.Errorf("%+v %v", res, err)
	}
	res, _ = Run(c, []string{"docker-entrypoint.sh", "nosuch"})
	if res.ExitCode != 127 {
		t.Errorf("unknown command through the entrypoint: exit %d", res.ExitCode)
	}
	res, err = Run(Context{}, []string{"docker-entrypoint.sh", "--flag"})
	if err != nil || res.ExitCode != 127 {
		t.Errorf("flags with no image hint: %+v %v", res, err)
	}
	if _, err := Run(Context{}, []string{"docker-entrypoint.sh"}); errors.Is(err, ErrNotFound) {
		t.Error("entrypoint script reported as not found")
	}
}

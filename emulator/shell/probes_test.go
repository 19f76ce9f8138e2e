package shell

import (
	"testing"
	"time"
)

func TestReachabilityProbes(t *testing.T) {
	runCases(t, []scriptCase{
		{name: "getent", script: `getent hosts db`, stdout: "172.18.0.2      db\n"},
		{name: "getent unknown", script: `getent hosts nope`, exit: 2},
		{name: "getent localhost", script: `getent hosts localhost`, stdout: "127.0.0.1       localhost\n"},
		{name: "getent bad db", script: `getent passwd root`, exit: 1, stderr: "Unknown database: passwd\n"},
		{name: "nslookup", script: `nslookup db`, stdout: "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tdb\nAddress: 172.18.0.2\n\n"},
		{name: "nslookup unknown", script: `nslookup nope`, exit: 1, stdout: "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nope: NXDOMAIN\n\n"},
		{name: "ping", script: `ping -c 2 db`, dur: time.Second,
			stdout: "PING db (172.18.0.2): 56 data bytes\n64 bytes from 172.18.0.2: seq=0 ttl=64 time=0.080 ms\n64 bytes from 172.18.0.2: seq=1 ttl=64 time=0.080 ms\n\n--- db ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.080/0.080/0.080 ms\n"},
		{name: "ping unknown", script: `ping -c 1 nope`, exit: 1, stderr: "ping: bad address 'nope'\n"},
		{name: "ping bad count", script: `ping -c x db`, exit: 1, stderr: "ping: invalid number 'x'\n"},
		{name: "nc -z open", script: `nc -z db 5432`},
		{name: "nc -z closed", script: `nc -z db 6379`, exit: 1},
		{name: "nc -zv", script: `nc -zv db 5432`, stderr: "db (172.18.0.2:5432) open\n"},
		{name: "nc unknown", script: `nc -z nope 1`, exit: 1, stderr: "nc: bad address 'nope'\n"},
		{name: "nc local not ready", script: `nc -z localhost 80`, exit: 1},
		{name: "wget -q", script: `wget -q -O - http://web/`, stdout: "OK\n"},
		{name: "wget spider", script: `wget -q --spider http://web:80/health`},
		{name: "wget refused", script: `wget -q http://db:8080/`, exit: 1, stderr: "wget: can't connect to remote host (172.18.0.2): Connection refused\n"},
		{name: "wget unknown", script: `wget -q http://nope/`, exit: 1, stderr: "wget: bad address 'nope'\n"},
		{name: "wget saves file", script: `cd /tmp && wget http://web/page.html && cat page.html`, stdout: "OK\n",
			stderr: "Connecting to web (172.18.0.3:80)\nsaving to 'page.html'\n'page.html' saved\n"},
		{name: "curl", script: `curl -f http://web/`, stdout: "OK\n"},
		{name: "curl -fsS refused", script: `curl -fsS http://db:9999/`, exit: 7, stderr: "curl: (7) Failed to connect to db port 9999 after 0 ms: Couldn't connect to server\n"},
		{name: "curl -s silent", script: `curl -s http://db:9999/ || echo down`, stdout: "down\n"},
		{name: "curl unresolved", script: `curl http://nope/`, exit: 6, stderr: "curl: (6) Could not resolve host: nope\n"},
		{name: "curl -o", script: `curl -sf -o /tmp/x http://web/ && cat /tmp/x`, stdout: "OK\n"},
		{name: "curl local down", script: `curl -f http://localhost/ || exit 1`, exit: 1, stderr: "curl: (7) Failed to connect to localhost port 80 after 0 ms: Couldn't connect to server\n"},
		{name: "pg_isready local down", script: `pg_isready -U postgres`, exit: 2, stdout: "/var/run/postgresql:5432 - no response\n"},
		{name: "pg_isready remote", script: `pg_isready -h db -p 5432`, stdout: "db:5432 - accepting connections\n"},
		{name: "pg_isready quiet unknown", script: `pg_isready -q -h nope`, exit: 3},
		{name: "redis-cli down", script: `redis-cli ping`, exit: 1, stderr: "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n"},
		{name: "mysqladmin down", script: `mysqladmin ping -h localhost`, exit: 1,
			stderr: "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'\nCheck that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!\n"},
		{name: "mongosh down", script: `mongosh --quiet --eval 'db.adminCommand("ping")'`, exit: 1, stderr: "MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017\n"},
	}, baseCtx)
}

func TestLocalReadyProbes(t *testing.T) {
	ready := func() Context {
		c := baseCtx()
		c.Ready = func(port int) bool {
			return port == 0 || port == 5432 || port == 6379 || port == 3306 || port == 80 || port == 27017
		}
		return c
	}
	runCases(t, []scriptCase{
		{name: "pg_isready", script: `pg_isready -U postgres -d app`, stdout: "/var/run/postgresql:5432 - accepting connections\n"},
		{name: "pg_isready other port", script: `pg_isready -p 5433`, exit: 2, stdout: "/var/run/postgresql:5433 - no response\n"},
		{name: "redis-cli ping", script: `redis-cli ping`, stdout: "PONG\n"},
		{name: "redis-cli -h", script: `redis-cli -h localhost -p 6379 ping | grep PONG`, stdout: "PONG\n"},
		{name: "mysqladmin", script: `mysqladmin ping -h localhost -u root -pPASS`, stdout: "mysqld is alive\n"},
		{name: "mysqladmin silent", script: `mysqladmin ping --silent`},
		{name: "curl localhost", script: `curl -f http://localhost/`, stdout: "OK\n"},
		{name: "wget 127.0.0.1", script: `wget -q --spider http://127.0.0.1:80/`},
		{name: "nc own hostname", script: `nc -z c0ffee 5432`},
		{name: "healthcheck.sh", script: `healthcheck.sh --connect --innodb_initialized`},
		{name: "mongosh", script: `mongosh --eval 'db.adminCommand("ping")'`, stdout: "{ ok: 1 }\n"},
	}, ready)
}

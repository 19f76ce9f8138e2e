package main

import (
	"strings"
	"testing"
)

// An anonymous volume outlives a recreate, as with docker compose: the
// replacement mounts its predecessor's. up -V gives it a new one.
func TestE2EAnonymousVolumeSurvivesRecreate(t *testing.T) {
	s := newStack(t)
	const file = `name: anon
services:
  app:
    image: busybox:1.36
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    volumes: ["/data"]
    environment:
      V: "1"
`
	s.write("compose.yaml", file)
	s.ok("up")
	s.ok("exec", "app", "sh", "-c", "echo kept > /data/f")
	s.edit("compose.yaml", `V: "1"`, `V: "2"`)
	s.ok("up")
	if r := s.ok("exec", "app", "cat", "/data/f"); strings.TrimSpace(r.stdout) != "kept" {
		t.Errorf("after a recreate /data/f = %q, want kept", r.stdout)
	}
	s.edit("compose.yaml", `V: "2"`, `V: "3"`)
	s.ok("up", "-V")
	if r := s.run("exec", "app", "cat", "/data/f"); r.code == 0 {
		t.Errorf("after up -V /data/f is still there: %s", r)
	}
	if r := s.run("up", "-V", "--no-recreate"); r.code != 1 {
		t.Errorf("up -V --no-recreate: %s, want exit 1", r)
	}
}

package main

import (
	"strings"
	"testing"
)

const overlapStack = `services:
  a:
    image: busybox:latest
    command: ["sleep", "3600"]
    networks: [net]
    volumes: ["vol:/data"]
  b:
    image: busybox:latest
    command: ["sleep", "3600"]
    networks: [net]
networks:
  net: {}
volumes:
  vol: {}
`

// TestUpObservesWhileLoading: with --engine docker, up opens the engine and
// (with -p or COMPOSE_PROJECT_NAME) observes the project while the file loads.
// The outcome must be the sequential one: a second up changes nothing, another
// project name sees none of this project's objects, and a bad file is reported
// as such even when the engine cannot be reached.
func TestUpObservesWhileLoading(t *testing.T) {
	for _, tg := range e2eTargets {
		if tg.name == "embedded" {
			continue // opened after loading, under the state lock
		}
		t.Run(tg.name, func(t *testing.T) {
			s := newStack(t)
			s.write("compose.yaml", overlapStack)
			tg.setup(t, s)
			t.Cleanup(func() { s.run("down", "-p", "noopov", "-v", "-t", "0") })

			if r := s.ok("up", "-p", "noopov", "--debug"); strings.Contains(r.stderr, "engine write calls: 0") {
				t.Errorf("first up made no writes:\n%s", r)
			}
			for _, args := range [][]string{
				{"up", "-p", "noopov", "--debug"},
				{"up", "--debug"}, // the name from COMPOSE_PROJECT_NAME below
			} {
				env := s.env
				if len(args) == 2 {
					s.env = append(append([]string(nil), env...), "COMPOSE_PROJECT_NAME=noopov")
				}
				r := s.ok(args...)
				s.env = env
				if !strings.Contains(r.stderr, "engine write calls: 0") || !strings.Contains(r.stderr, "No changes") {
					t.Errorf("no-op %v made changes:\n%s", args, r)
				}
			}
			r := s.ok("up", "-p", "noopov2", "--dry-run")
			if !strings.Contains(r.stdout, "noopov2-a-1 will be created") || strings.Contains(r.stdout, "noopov-") {
				t.Errorf("another project's plan:\n%s", r)
			}

			s.write("compose.yaml", "services:\n  a:\n    image: busybox\n    bogus: 1\n")
			env := s.env
			s.env = append(append([]string(nil), env...), "DOCKER_HOST=unix:///nonexistent/docker.sock")
			r = s.run("up", "-p", "noopov")
			s.env = env
			if r.code != 1 || !strings.Contains(r.stderr, "bogus") || strings.Contains(r.stderr, "does not answer") {
				t.Errorf("bad file, unreachable engine: want the file's error, got:\n%s", r)
			}
		})
	}
}

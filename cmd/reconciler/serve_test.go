package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestServeAddress(t *testing.T) {
	state := "/home/u/.local/state/reconciler/state.db"
	cases := []struct {
		host, socket, listen string
		want                 string
		bad                  bool
	}{
		{want: "unix:///home/u/.local/state/reconciler/engine.sock"},
		{socket: "/run/r.sock", want: "unix:///run/r.sock"},
		{listen: "tcp://127.0.0.1:2375", want: "tcp://127.0.0.1:2375"},
		{listen: "127.0.0.1:2375", want: "tcp://127.0.0.1:2375"},
		{host: "unix:///tmp/x.sock", want: "unix:///tmp/x.sock"},
		{host: "tcp://localhost:1", want: "tcp://localhost:1"},
		{host: "/tmp/x.sock", bad: true},
	}
	for _, tc := range cases {
		got, err := serveAddress(tc.host, tc.socket, tc.listen, state)
		if tc.bad != (err != nil) || got != tc.want {
			t.Errorf("serveAddress(%q, %q, %q) = %q, %v; want %q (error: %v)", tc.host, tc.socket, tc.listen, got, err, tc.want, tc.bad)
		}
	}
}

// With no address, engine serve listens on engine.sock beside the state file,
// mode 0600; a non-loopback --listen is refused without --insecure-listen.
func TestServeDefaultSocketBesideState(t *testing.T) {
	s := newStack(t)
	startServe(t, s)
	fi, err := os.Stat(filepath.Join(filepath.Dir(s.state), "engine.sock"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("engine.sock mode %v, want a socket with 0600", fi.Mode())
	}
	if r := s.run("engine", "serve", "--listen", "tcp://0.0.0.0:0"); r.code != 1 {
		t.Errorf("--listen on 0.0.0.0 without --insecure-listen: %s", r)
	}
}

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDockerHost(t *testing.T) {
	dir := t.TempDir()
	writeContext := func(name, host string) {
		sum := sha256.Sum256([]byte(name))
		d := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		meta := `{"Name":"` + name + `","Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
		if err := os.WriteFile(filepath.Join(d, "meta.json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeContext("remote", "tcp://10.0.0.5:2375")
	writeContext("current", "unix:///run/current.sock")

	noConfig := t.TempDir()
	withCurrent := t.TempDir()
	if err := os.WriteFile(filepath.Join(withCurrent, "config.json"), []byte(`{"currentContext":"current"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "contexts"), filepath.Join(withCurrent, "contexts")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		cfgDir  string
		want    string
		wantErr bool
	}{
		{"flag wins", "unix:///flag.sock", map[string]string{"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "remote"}, dir, "unix:///flag.sock", false},
		{"DOCKER_HOST before context", "", map[string]string{"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "remote"}, dir, "unix:///env.sock", false},
		{"DOCKER_CONTEXT", "", map[string]string{"DOCKER_CONTEXT": "remote"}, dir, "tcp://10.0.0.5:2375", false},
		{"currentContext from config", "", nil, withCurrent, "unix:///run/current.sock", false},
		{"DOCKER_CONTEXT beats currentContext", "", map[string]string{"DOCKER_CONTEXT": "remote"}, withCurrent, "tcp://10.0.0.5:2375", false},
		{"default context", "", map[string]string{"DOCKER_CONTEXT": "default"}, dir, "", false},
		{"nothing set", "", nil, noConfig, "", false},
		{"unknown context", "", map[string]string{"DOCKER_CONTEXT": "nope"}, dir, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dockerHost(tt.flag, func(k string) string { return tt.env[k] }, tt.cfgDir)
			if tt.wantErr {
				if !errors.Is(err, errDockerContext) {
					t.Fatalf("err = %v, want errDockerContext", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("dockerHost = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

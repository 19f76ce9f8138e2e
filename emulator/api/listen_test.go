package api_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconciler/reconciler/emulator/api"
)

func TestListenUnix(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "e.sock")
	l, err := api.ListenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode = %v, %v; want 0600", fi.Mode(), err)
	}
	if _, err := api.ListenUnix(sock); !errors.Is(err, api.ErrSocketInUse) {
		t.Errorf("second listen = %v, want ErrSocketInUse", err)
	}
	l.Close() // Go removes the file on Close; make a stale one by hand below.

	stale := filepath.Join(dir, "stale.sock")
	l2, err := api.ListenUnix(stale)
	if err != nil {
		t.Fatal(err)
	}
	if ul, ok := l2.(interface{ SetUnlinkOnClose(bool) }); ok {
		ul.SetUnlinkOnClose(false)
	}
	l2.Close()
	l3, err := api.ListenUnix(stale)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	l3.Close()

	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := api.ListenUnix(file); err == nil {
		t.Errorf("listen over a regular file succeeded")
	}
	if b, _ := os.ReadFile(file); string(b) != "keep" {
		t.Errorf("regular file was changed")
	}
}

func TestListenTCP(t *testing.T) {
	tests := []struct {
		addr   string
		remote bool
		err    error // nil: must listen
	}{
		{"tcp://127.0.0.1:0", false, nil},
		{"localhost:0", false, nil},
		{"[::1]:0", false, nil},
		{"tcp://0.0.0.0:0", false, api.ErrNotLoopback},
		{"10.1.2.3:0", false, api.ErrNotLoopback},
		{"tcp://0.0.0.0:0", true, nil},
	}
	for _, tt := range tests {
		l, err := api.ListenTCP(tt.addr, tt.remote)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ListenTCP(%q, %v) = %v, want %v", tt.addr, tt.remote, err, tt.err)
			}
			continue
		}
		if err != nil {
			if tt.addr == "[::1]:0" {
				t.Logf("ListenTCP(%q): %v (no IPv6 loopback here?)", tt.addr, err)
				continue
			}
			t.Errorf("ListenTCP(%q, %v) = %v", tt.addr, tt.remote, err)
			continue
		}
		l.Close()
	}
	if _, err := api.ListenTCP("nonsense", false); err == nil {
		t.Errorf("ListenTCP(nonsense) succeeded")
	}
}

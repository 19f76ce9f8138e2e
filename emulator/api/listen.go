package api

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"time"
)

// Errors of ListenUnix and ListenTCP, for errors.Is.
var (
	// ErrSocketInUse: another server answers on the socket path.
	ErrSocketInUse = errors.New("socket in use")
	// ErrNotLoopback: a TCP address that is not loopback, without allowRemote.
	ErrNotLoopback = errors.New("address is not loopback")
)

// ListenUnix listens on a unix socket at path, readable and writable by the
// owner only (mode 0600). A stale socket file left by a server that is gone is
// replaced; a socket another server still answers on is ErrSocketInUse, and a
// path holding anything but a socket is left alone and reported.
func ListenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("listen on %s: the path exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("listen on %s: %w", path, ErrSocketInUse)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("listen on %s: remove stale socket: %w", path, err)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return l, nil
}

// ListenTCP listens on addr, "tcp://HOST:PORT" or "HOST:PORT". The host must be
// a loopback address or "localhost" unless allowRemote is set: the Engine API has
// no authentication, and whoever reaches it controls the engine.
func ListenTCP(addr string, allowRemote bool) (net.Listener, error) {
	hostport := strings.TrimPrefix(addr, "tcp://")
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if !allowRemote && !isLoopback(host) {
		return nil, fmt.Errorf("listen on %s: %w (the Engine API is unauthenticated; allow remote access explicitly)", addr, ErrNotLoopback)
	}
	l, err := net.Listen("tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return l, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

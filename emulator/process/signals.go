package process

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidSignal marks a signal name or number that Linux does not have.
var ErrInvalidSignal = errors.New("invalid signal")

// SignalError is a bad signal; Error() is dockerd's message ("Invalid signal: FOO").
type SignalError struct{ Signal string }

func (e *SignalError) Error() string { return "Invalid signal: " + e.Signal }

// Unwrap returns ErrInvalidSignal.
func (e *SignalError) Unwrap() error { return ErrInvalidSignal }

var signals = map[string]int{"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "IOT": 6, "BUS": 7,
	"FPE": 8, "KILL": 9, "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
	"STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23,
	"XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "POLL": 29, "PWR": 30, "SYS": 31}

// ParseSignal turns "SIGTERM", "TERM", "term" or "15" into its number, as
// dockerd accepts them (real-time signals RTMIN+n included).
func ParseSignal(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 64 {
			return 0, &SignalError{Signal: s}
		}
		return n, nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if n, ok := signals[name]; ok {
		return n, nil
	}
	if rest, ok := strings.CutPrefix(name, "RTMIN+"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && n <= 30 {
			return 34 + n, nil
		}
	}
	return 0, &SignalError{Signal: s}
}

func signalName(n int) string {
	for k, v := range signals {
		if v == n && k != "IOT" && k != "POLL" {
			return "SIG" + k
		}
	}
	return fmt.Sprintf("SIG%d", n)
}

// defaultIgnored are signals whose default action is to do nothing.
var defaultIgnored = map[int]bool{17: true, 18: true, 19: true, 20: true, 21: true, 22: true, 23: true, 28: true}

// shutdownDelay is how long a server takes to exit after a graceful signal.
const shutdownDelay = 100 * time.Millisecond

// Response is what the process does when sent sig at a time it is running:
// whether it exits, with which code, and after how long. KILL always ends it
// with 137. A known server exits 0 on its graceful signals and ignores the ones
// it handles; other programs as PID 1 ignore every catchable signal unless
// Spec.Init, whose init forwards the signal and exits 128+n.
func (s *Spec) Response(sig int) (exits bool, code int, after time.Duration) {
	if sig == 9 {
		return true, 137, 0
	}
	if srv := s.Command.Server; srv != nil {
		name := signalName(sig)
		switch {
		case slices.Contains(srv.GracefulSignals, name):
			return true, 0, shutdownDelay
		case slices.Contains(srv.IgnoredSignals, name), defaultIgnored[sig]:
			return false, 0, 0
		}
		return true, 128 + sig, 0
	}
	if !s.Init || defaultIgnored[sig] {
		return false, 0, 0
	}
	return true, 128 + sig, 0
}

func (s *Spec) stopSignal() int {
	if s.StopSignal == "" {
		return 15
	}
	n, err := ParseSignal(s.StopSignal)
	if err != nil {
		return 15
	}
	return n
}

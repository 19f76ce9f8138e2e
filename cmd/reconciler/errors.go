package main

import (
	"errors"
	"fmt"
	"strings"
)

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1
	exitPending = 2 // plan --detailed-exitcode: changes pending
)

// exitCodeError carries a non-error exit status (plan --detailed-exitcode's 2).
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a bad flag or argument.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// ErrNotSupported is returned (wrapped) when the selected engine cannot do what a
// command asks yet; nothing was changed.
var ErrNotSupported = errors.New("not supported by this engine yet")

// notSupported names the command and engine in an ErrNotSupported.
func notSupported(what, engine string) error {
	return fmt.Errorf("%s: %w (engine %s)", what, ErrNotSupported, engine)
}

// report prints err to stderr, one line per underlying error, and returns the
// exit code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		return ec.code
	}
	for _, line := range errorLines(err) {
		fmt.Fprintln(a.stderr, "error: "+line)
	}
	if a.g.debug {
		for e := err; e != nil; e = errors.Unwrap(e) {
			fmt.Fprintf(a.stderr, "debug: %T: %v\n", e, e)
		}
	}
	return exitError
}

// errorLines flattens an error into one line per problem: go-multierror's
// WrappedErrors each, and multi-line texts (errors.Join, spec.ValidationError)
// line by line. Unwrap() []error is not followed: it also exposes class sentinels.
func errorLines(err error) []string {
	var multi interface{ WrappedErrors() []error }
	if errors.As(err, &multi) {
		return flatten(multi.WrappedErrors())
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func flatten(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, errorLines(e)...)
	}
	return out
}

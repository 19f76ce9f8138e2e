package shell

import (
	"errors"
	"fmt"
)

// Sentinel errors; the concrete errors below wrap them, so test with errors.Is.
var (
	// ErrSyntax marks a malformed shell script (unterminated quote, missing
	// command around an operator, bad redirection, bad ${...}).
	ErrSyntax = errors.New("syntax error")
	// ErrUnsupported marks valid shell syntax the interpreter does not model
	// (command substitution, subshells, background jobs, if/while/for/case).
	ErrUnsupported = errors.New("unsupported shell construct")
	// ErrNoCommand is returned for an empty argv or an empty exec-form command.
	ErrNoCommand = errors.New("no command specified")
	// ErrNotFound marks an exec-form command whose executable does not exist.
	ErrNotFound = errors.New("executable file not found in $PATH")
)

// SyntaxError is a malformed (or unsupported) script. Unwrap gives ErrSyntax or
// ErrUnsupported.
type SyntaxError struct {
	Script string // the script as given
	Offset int    // byte offset where the problem was found
	Msg    string // sh-style description, e.g. "unterminated quoted string"
	Kind   error  // ErrSyntax or ErrUnsupported
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("sh: %s: %s (at byte %d of %q)", e.Kind, e.Msg, e.Offset, e.Script)
}

// Unwrap returns ErrSyntax or ErrUnsupported.
func (e *SyntaxError) Unwrap() error { return e.Kind }

// NotFoundError is an exec-form command whose executable could not be run:
// not found in $PATH, or (a path) missing or not executable. Error() is
// dockerd's message for a failed start; ExecMessage is the one for an exec.
// ExitCode is what dockerd records for a start (127 not found, 126 not
// executable); an exec's is always 126.
type NotFoundError struct {
	Name string // argv[0] as given
	// Reason is runc's: "executable file not found in $PATH" for a name,
	// "stat <path>: no such file or directory" or "permission denied" for a
	// path. Empty means the first.
	Reason string
}

func (e *NotFoundError) reason() string {
	if e.Reason == "" {
		return "executable file not found in $PATH"
	}
	return e.Reason
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: %q: %s: unknown", e.Name, e.reason())
}

// ExecMessage is dockerd's message when an exec's executable cannot be run.
func (e *NotFoundError) ExecMessage() string {
	return fmt.Sprintf("OCI runtime exec failed: exec failed: unable to start container process: exec: %q: %s: unknown", e.Name, e.reason())
}

// ExitCode is the container's exit code after a start failed this way.
func (e *NotFoundError) ExitCode() int {
	if e.Reason == reasonDenied {
		return 126
	}
	return 127
}

const reasonDenied = "permission denied"

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

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

// NotFoundError is an exec-form command whose executable is unknown. Error()
// is dockerd's message for a failed start; ExecMessage is the one for a
// detached exec. The container's exit code in that case is 127 (start) and
// 126 for an exec, as dockerd records them.
type NotFoundError struct {
	Name string // argv[0] as given
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", e.Name)
}

// ExecMessage is dockerd's message when an exec's executable is unknown.
func (e *NotFoundError) ExecMessage() string {
	return fmt.Sprintf("OCI runtime exec failed: exec failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", e.Name)
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

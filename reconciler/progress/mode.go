package progress

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Mode is an output mode.
type Mode string

// Modes, as docker compose names them. None is an alias of Quiet.
const (
	Auto  Mode = "auto"
	TTY   Mode = "tty"
	Plain Mode = "plain"
	JSON  Mode = "json"
	Quiet Mode = "quiet"
)

// ErrInvalidMode is returned (wrapped) by ParseMode for an unknown mode.
var ErrInvalidMode = errors.New("invalid progress mode")

// EnvProgress is the environment variable consulted when no mode is given.
const EnvProgress = "COMPOSE_PROGRESS"

// ParseMode parses a --progress value. An empty value falls back to
// $COMPOSE_PROGRESS, then to Auto.
func ParseMode(s string) (Mode, error) {
	if s == "" {
		s = os.Getenv(EnvProgress)
	}
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Auto, nil
	case Auto, TTY, Plain, JSON, Quiet:
		return m, nil
	case "none":
		return Quiet, nil
	}
	return "", fmt.Errorf("%w %q: want auto, tty, plain, json or quiet", ErrInvalidMode, s)
}

// Resolve turns Auto into TTY when the output is a terminal and Plain otherwise;
// other modes are returned unchanged.
func (m Mode) Resolve(isTerminal bool) Mode {
	if m != Auto && m != "" {
		return m
	}
	if isTerminal {
		return TTY
	}
	return Plain
}

// ColorEnabled reports whether color may be used: NO_COLOR unset or empty.
func ColorEnabled() bool {
	return os.Getenv("NO_COLOR") == ""
}

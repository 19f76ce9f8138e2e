package dockerpy

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// EnvState names the embedded engine's state file (same variable as the CLI's).
const EnvState = "RECONCILER_STATE"

// StatePath is the embedded engine's state file: $RECONCILER_STATE, else
// $XDG_STATE_HOME/reconciler/state.db (an absolute XDG_STATE_HOME only, as the
// XDG spec requires), else ~/.local/state/reconciler/state.db. The same rules
// as the reconciler CLI, so both open the same engine.
func StatePath() (string, error) {
	if s := os.Getenv(EnvState); s != "" {
		return filepath.Abs(s)
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "reconciler", "state.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("dockerpy: no state directory: set %s: %w", EnvState, err)
	}
	return filepath.Join(home, ".local", "state", "reconciler", "state.db"), nil
}

// FromEnv is docker-py's from_env(). With DOCKER_HOST set it returns a Client
// over moby's client configured from the environment (DOCKER_HOST,
// DOCKER_API_VERSION, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY), i.e. a real engine
// or `reconciler engine serve`. Otherwise it opens the embedded emulator at
// StatePath (creating its directory), with opts. Close the Client to release
// the engine.
func FromEnv(opts ...emulator.Option) (*Client, error) {
	if os.Getenv("DOCKER_HOST") != "" {
		cli, err := client.New(client.FromEnv)
		if err != nil {
			return nil, fmt.Errorf("dockerpy: from_env: DOCKER_HOST=%s: %w", os.Getenv("DOCKER_HOST"), err)
		}
		c := New(cli)
		c.closer = cli
		return c, nil
	}
	path, err := StatePath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("dockerpy: from_env: state directory: %w", err)
	}
	eng, err := emulator.Open(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("dockerpy: from_env: open %s: %w", path, err)
	}
	c := New(eng)
	c.closer = eng
	return c, nil
}

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errDockerContext marks a DOCKER_CONTEXT / currentContext that cannot be resolved.
var errDockerContext = errors.New("docker context")

// dockerHost picks the engine address as the docker CLI does, first match wins:
// --host, DOCKER_HOST, DOCKER_CONTEXT, the config's currentContext. "" means
// "let moby's client use its default" (the local socket). getenv and configDir are
// injected so tests need not touch the process environment or $HOME.
func dockerHost(flagHost string, getenv func(string) string, configDir string) (string, error) {
	if flagHost != "" {
		return flagHost, nil
	}
	if h := getenv("DOCKER_HOST"); h != "" {
		return h, nil
	}
	name := getenv("DOCKER_CONTEXT")
	if name == "" {
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		b, err := os.ReadFile(filepath.Join(configDir, "config.json"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return "", fmt.Errorf("%w: read %s: %w", errDockerContext, filepath.Join(configDir, "config.json"), err)
		default:
			if err := json.Unmarshal(b, &cfg); err != nil {
				return "", fmt.Errorf("%w: %s: %w", errDockerContext, filepath.Join(configDir, "config.json"), err)
			}
			name = cfg.CurrentContext
		}
	}
	if name == "" || name == "default" {
		return "", nil
	}
	// The CLI stores a context's metadata under contexts/meta/<sha256(name)>/meta.json.
	sum := sha256.Sum256([]byte(name))
	meta := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	b, err := os.ReadFile(meta)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w %q: not found (no %s)", errDockerContext, name, meta)
		}
		return "", fmt.Errorf("%w %q: %w", errDockerContext, name, err)
	}
	var m struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("%w %q: %s: %w", errDockerContext, name, meta, err)
	}
	h := m.Endpoints["docker"].Host
	if h == "" {
		return "", fmt.Errorf("%w %q: %s has no docker endpoint host", errDockerContext, name, meta)
	}
	return h, nil
}

// dockerConfigDir is where the docker CLI keeps config.json and contexts.
func dockerConfigDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".docker"
	}
	return filepath.Join(home, ".docker")
}

package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
)

// newID returns a random 64-hex-character id, as dockerd's stringid.GenerateRandomID
// (never all digits, so it is not mistaken for a number).
func newID() string {
	var b [32]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		id := hex.EncodeToString(b[:])
		if strings.Trim(id[:12], "0123456789") != "" {
			return id
		}
	}
}

// shortID is the 12-character form of an id (a "sha256:" prefix is dropped).
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// validName is dockerd's container and volume name rule.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

var hexOnly = regexp.MustCompile(`^[a-f0-9]+$`)

// lookupContainer finds a container as dockerd does: full id, then exact name, then
// unique id prefix.
func (s *state) lookupContainer(ref string) (*ctrRec, error) {
	if ref == "" {
		return nil, errNotFound("No such container: %s", ref)
	}
	if c := s.containers[ref]; c != nil {
		return c, nil
	}
	if id, ok := s.names[strings.TrimPrefix(ref, "/")]; ok {
		return s.containers[id], nil
	}
	var found *ctrRec
	if hexOnly.MatchString(ref) {
		for id, c := range s.containers {
			if strings.HasPrefix(id, ref) {
				if found != nil {
					return nil, errInternal("Multiple IDs found with provided prefix: %s", ref)
				}
				found = c
			}
		}
	}
	if found == nil {
		return nil, errNotFound("No such container: %s", ref)
	}
	return found, nil
}

// lookupNetwork finds a network as dockerd does: full id, then exact name, then
// unique id prefix.
func (s *state) lookupNetwork(ref string) (*netRec, error) {
	if n := s.networks[ref]; n != nil {
		return n, nil
	}
	var byName []*netRec
	for _, n := range s.networks {
		if n.Name == ref {
			byName = append(byName, n)
		}
	}
	if len(byName) == 1 {
		return byName[0], nil
	}
	if len(byName) > 1 {
		return nil, errForbidden("network %s is ambiguous (%d matches found based on name)", ref, len(byName))
	}
	var byPrefix []*netRec
	if ref != "" {
		for id, n := range s.networks {
			if strings.HasPrefix(id, ref) {
				byPrefix = append(byPrefix, n)
			}
		}
	}
	if len(byPrefix) == 1 {
		return byPrefix[0], nil
	}
	if len(byPrefix) > 1 {
		return nil, errNotFound("network %s is ambiguous (%d matches found based on ID prefix)", ref, len(byPrefix))
	}
	return nil, errNotFound("network %s not found", ref)
}

// lookupVolume finds a volume by exact name (dockerd takes no prefixes for volumes).
func (s *state) lookupVolume(name string) (*volRec, error) {
	if v := s.volumes[name]; v != nil {
		return v, nil
	}
	return nil, errNotFound("get %s: no such volume", name)
}

package planner

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/reconciler/reconciler/spec"
)

// Masked replaces the value of a secret key in FieldChange.
const Masked = "(sensitive value)"

// explain diffs the service config recorded on a container (label JSON) with the
// desired s.Fields. Nil when the label is absent or unreadable: the container was
// not made by the reconciler and only its hash can be compared.
func explain(label string, s *spec.Service) []FieldChange {
	if label == "" {
		return nil
	}
	var before map[string]string
	if err := json.Unmarshal([]byte(label), &before); err != nil {
		return nil
	}
	keys := make([]string, 0, len(before)+len(s.Fields))
	for k := range before {
		keys = append(keys, k)
	}
	for k := range s.Fields {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []FieldChange
	for _, k := range keys {
		bv, bok := before[k]
		av, aok := s.Fields[k]
		if bok == aok && bv == av {
			continue
		}
		fc := FieldChange{Path: k, Before: bv, After: av, BeforeAbsent: !bok, AfterAbsent: !aok}
		if s.Secret[k] || looksSecret(k) {
			if bok {
				fc.Before = Masked
			}
			if aok {
				fc.After = Masked
			}
		}
		out = append(out, fc)
	}
	return out
}

var secretWords = []string{"PASSWORD", "SECRET", "TOKEN", "KEY", "CREDENTIAL"}

// looksSecret reports whether the last segment of a key path names a secret-looking
// key. It backs up spec's Secret map for keys that exist only on the old side.
func looksSecret(path string) bool {
	if strings.HasPrefix(path, "secrets.") {
		return true
	}
	last := strings.ToUpper(path[strings.LastIndexByte(path, '.')+1:])
	for _, w := range secretWords {
		if strings.Contains(last, w) {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// createSpec returns a copy of want to hand to CreateContainer: named name, with
// LabelImage set when the image id is known, LabelReplace when it replaces a
// container, and LabelServiceConfig when the spec did not record it. want itself
// is never modified.
func createSpec(want *spec.Container, s *spec.Service, name, imageID, replace string) *spec.Container {
	c := *want
	c.Name = name
	var cfg container.Config
	if want.Config != nil {
		cfg = *want.Config
	}
	labels := make(map[string]string, len(cfg.Labels)+3)
	maps.Copy(labels, cfg.Labels)
	if imageID != "" {
		labels[spec.LabelImage] = imageID
	}
	if replace != "" {
		labels[spec.LabelReplace] = replace
	}
	if _, ok := labels[spec.LabelServiceConfig]; !ok && s.Fields != nil {
		if buf, err := json.Marshal(s.Fields); err == nil {
			labels[spec.LabelServiceConfig] = string(buf)
		}
	}
	cfg.Labels = labels
	c.Config = &cfg
	return &c
}

// deriveReplica builds replica n from a template replica: same request, with the
// name, number label and DNS names that carried the template's name replaced.
func deriveReplica(t *spec.Container, name string, n int) *spec.Container {
	c := *t
	c.Name, c.Number = name, n
	if t.Config != nil {
		cfg := *t.Config
		cfg.Labels = maps.Clone(t.Config.Labels)
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		cfg.Labels[spec.LabelContainerNumber] = itoa(n)
		c.Config = &cfg
	}
	if t.NetworkingConfig != nil {
		nc := *t.NetworkingConfig
		nc.EndpointsConfig = make(map[string]*network.EndpointSettings, len(t.NetworkingConfig.EndpointsConfig))
		for k, ep := range t.NetworkingConfig.EndpointsConfig {
			if ep == nil {
				nc.EndpointsConfig[k] = nil
				continue
			}
			e := *ep
			e.Aliases = renamed(ep.Aliases, t.Name, name)
			e.DNSNames = renamed(ep.DNSNames, t.Name, name)
			nc.EndpointsConfig[k] = &e
		}
		c.NetworkingConfig = &nc
	}
	return &c
}

func renamed(names []string, from, to string) []string {
	if names == nil {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		if n == from {
			n = to
		}
		out[i] = n
	}
	return out
}

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
	before, ok := parseFlat(label)
	if !ok {
		return nil
	}
	after := make([]kv, 0, len(s.Fields))
	for k, v := range s.Fields {
		after = append(after, kv{k, v})
	}
	slices.SortFunc(after, func(x, y kv) int { return strings.Compare(x.k, y.k) })
	var out []FieldChange
	add := func(fc FieldChange) {
		if s.Secret[fc.Path] || looksSecret(fc.Path) {
			if !fc.BeforeAbsent {
				fc.Before = Masked
			}
			if !fc.AfterAbsent {
				fc.After = Masked
			}
		}
		out = append(out, fc)
	}
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i].k < after[j].k):
			add(FieldChange{Path: before[i].k, Before: before[i].v, AfterAbsent: true})
			i++
		case i == len(before) || after[j].k < before[i].k:
			add(FieldChange{Path: after[j].k, After: after[j].v, BeforeAbsent: true})
			j++
		default:
			if before[i].v != after[j].v {
				add(FieldChange{Path: after[j].k, Before: before[i].v, After: after[j].v})
			}
			i++
			j++
		}
	}
	return out
}

type kv struct{ k, v string }

// parseFlat decodes a JSON object of string values into pairs sorted by key (the
// last of duplicate keys wins, as encoding/json). Labels written by spec are plain
// and sorted, so the common path is a single scan without allocation per value;
// anything unusual goes through encoding/json.
func parseFlat(label string) ([]kv, bool) {
	out := make([]kv, 0, 32)
	p := scanner{s: label}
	if !p.eat('{') {
		return parseFlatSlow(label)
	}
	if !p.eat('}') {
		for {
			k, ok := p.str()
			if !ok || !p.eat(':') {
				return parseFlatSlow(label)
			}
			v, ok := p.str()
			if !ok {
				return parseFlatSlow(label)
			}
			out = append(out, kv{k, v})
			if p.eat(',') {
				continue
			}
			if p.eat('}') {
				break
			}
			return parseFlatSlow(label)
		}
	}
	if p.skipSpace(); p.i != len(p.s) {
		return parseFlatSlow(label)
	}
	if !slices.IsSortedFunc(out, func(x, y kv) int { return strings.Compare(x.k, y.k) }) {
		slices.SortStableFunc(out, func(x, y kv) int { return strings.Compare(x.k, y.k) })
	}
	// keep the last of duplicate keys
	w := 0
	for r := range out {
		if w > 0 && out[w-1].k == out[r].k {
			out[w-1] = out[r]
			continue
		}
		out[w] = out[r]
		w++
	}
	return out[:w], true
}

func parseFlatSlow(label string) ([]kv, bool) {
	var m map[string]string
	if err := json.Unmarshal([]byte(label), &m); err != nil {
		return nil, false
	}
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	slices.SortFunc(out, func(x, y kv) int { return strings.Compare(x.k, y.k) })
	return out, true
}

type scanner struct {
	s string
	i int
}

func (p *scanner) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *scanner) eat(c byte) bool {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a JSON string without escapes or non-ASCII bytes (the fast path only).
func (p *scanner) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return p.s[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
		p.i++
	}
	return "", false
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

package emulator

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// The filter keys each endpoint accepts; any other key is dockerd's
// "Invalid filter 'KEY'" (invalid argument).
var (
	containerListFilters = keys("ancestor", "before", "expose", "exited", "health", "id", "isolation", "is-task",
		"label", "name", "network", "publish", "since", "status", "volume")
	containerPruneFilters = keys("until", "label", "label!")
	imageListFilters      = keys("before", "dangling", "label", "reference", "since", "until")
	imagePruneFilters     = keys("dangling", "until", "label", "label!")
	networkListFilters    = keys("dangling", "driver", "id", "label", "name", "scope", "type")
	networkPruneFilters   = keys("until", "label", "label!")
	volumeListFilters     = keys("dangling", "driver", "label", "name")
	volumePruneFilters    = keys("label", "label!", "all")
)

func keys(ks ...string) map[string]bool {
	m := make(map[string]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}

// filter is a validated set of filter arguments: key -> values (sorted).
type filter map[string][]string

// newFilter copies f, rejecting keys outside accepted (nil accepts everything, as
// /events does).
func newFilter(f client.Filters, accepted map[string]bool) (filter, error) {
	out := filter{}
	for k, vals := range f {
		if accepted != nil && !accepted[k] {
			return nil, errInvalid("Invalid filter '%s'", k)
		}
		for v, on := range vals {
			if on {
				out[k] = append(out[k], v)
			}
		}
		sort.Strings(out[k])
	}
	return out, nil
}

func (f filter) has(k string) bool { return len(f[k]) > 0 }

// boolValue reads a boolean filter as dockerd's GetBoolOrDefault does.
func (f filter) boolValue(k string) (v, ok bool, err error) {
	vals := f[k]
	if len(vals) == 0 {
		return false, false, nil
	}
	if len(vals) > 1 {
		return false, false, errInvalid("Invalid filter '%s=%v'", k, vals)
	}
	switch strings.ToLower(vals[0]) {
	case "true", "1":
		return true, true, nil
	case "false", "0":
		return false, true, nil
	}
	return false, false, errInvalid("Invalid filter '%s=%v'", k, vals)
}

// match reports whether source matches any value of key as a regular expression
// (dockerd's Args.Match); true when the key is absent.
func (f filter) match(k, source string) bool {
	vals := f[k]
	if len(vals) == 0 {
		return true
	}
	for _, v := range vals {
		if v == source {
			return true
		}
		if re, err := regexp.Compile(v); err == nil && re.MatchString(source) {
			return true
		}
	}
	return false
}

// exact reports whether source equals one of the values of key; true when absent.
func (f filter) exact(k, source string) bool {
	vals := f[k]
	if len(vals) == 0 {
		return true
	}
	for _, v := range vals {
		if v == source {
			return true
		}
	}
	return false
}

// kvMatch reports whether labels satisfy every "key" or "key=value" of filter k.
func (f filter) kvMatch(k string, labels map[string]string) bool {
	for _, v := range f[k] {
		key, val, hasVal := strings.Cut(v, "=")
		got, ok := labels[key]
		if !ok || (hasVal && got != val) {
			return false
		}
	}
	return true
}

// labelsMatch applies label (all must match) and label! (excluded when all match).
func (f filter) labelsMatch(labels map[string]string) bool {
	if !f.kvMatch("label", labels) {
		return false
	}
	if f.has("label!") && f.kvMatch("label!", labels) {
		return false
	}
	return true
}

// until parses the "until" filter as a timestamp; zero when absent.
func (f filter) until(now time.Time) (time.Time, error) {
	vals := f["until"]
	if len(vals) == 0 {
		return time.Time{}, nil
	}
	if len(vals) > 1 {
		return time.Time{}, errInvalid("more than one until filter specified")
	}
	return parseTimestamp(vals[0], now)
}

// parseTimestamp reads a time as dockerd's timetypes.GetTimestamp: a Go duration
// (relative to now, in the past), Unix seconds with optional fraction, or an
// RFC 3339 date or date-time.
func parseTimestamp(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); v != "0" && err == nil {
		return now.Add(-d), nil
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eE") {
		whole, frac := math.Modf(secs)
		return time.Unix(int64(whole), int64(math.Round(frac*1e9))).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errInvalid("failed to parse value as time or duration: %q", v)
}

package spec

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// secretWords mark a Fields path as secret when its last segment contains one of them
// (case-insensitive).
var secretWords = []string{"PASSWORD", "SECRET", "TOKEN", "KEY", "CREDENTIAL"}

// flattenService returns Service.Fields and Service.Secret for s: the hash input (so a
// field differs exactly when what drives recreation differs) flattened to dotted paths.
//
// Rules: object members are ".key"; array elements that are objects or arrays are
// "[i]"; an array of scalars is one value, its JSON text; a string is itself; other
// scalars are their JSON text; an empty object or null is "{}" or "null" so that its
// presence still shows.
func flattenService(s types.ServiceConfig, secretValues map[string]bool) (map[string]string, map[string]bool, error) {
	raw, err := json.Marshal(hashInput(s))
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	fields := map[string]string{}
	flatten("", v, fields)
	secret := map[string]bool{}
	for p, val := range fields {
		if isSecretPath(p) || secretValues[val] {
			secret[p] = true
		}
	}
	return fields, secret, nil
}

func flatten(prefix string, v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			out[prefix] = "{}"
			return
		}
		for k, sub := range t {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, sub, out)
		}
	case []any:
		if allScalars(t) {
			b, _ := json.Marshal(t)
			out[prefix] = string(b)
			return
		}
		for i, sub := range t {
			flatten(prefix+"["+strconv.Itoa(i)+"]", sub, out)
		}
	case string:
		out[prefix] = t
	case nil:
		out[prefix] = "null"
	default:
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	}
}

func allScalars(list []any) bool {
	for _, e := range list {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

func isSecretPath(p string) bool {
	last := p
	if i := strings.LastIndexAny(p, ".]"); i >= 0 {
		last = p[i+1:]
	}
	last = strings.ToUpper(last)
	for _, w := range secretWords {
		if strings.Contains(last, w) {
			return true
		}
	}
	return false
}

// marshalFields is the LabelServiceConfig value: a JSON object with sorted keys.
func marshalFields(fields map[string]string) (string, error) {
	b, err := json.Marshal(fields) // encoding/json sorts map keys
	return string(b), err
}

// ParseFields decodes a LabelServiceConfig value back into Service.Fields.
func ParseFields(label string) (map[string]string, error) {
	out := map[string]string{}
	if err := json.Unmarshal([]byte(label), &out); err != nil {
		return nil, err
	}
	return out, nil
}

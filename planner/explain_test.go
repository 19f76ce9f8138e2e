package planner

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

func TestExplainMasksAndOrders(t *testing.T) {
	s := &spec.Service{
		Fields: map[string]string{"environment.A": "1", "environment.DB_PASSWORD": "new", "secrets.token.content": "x", "image": "nginx:2"},
		Secret: map[string]bool{"environment.DB_PASSWORD": true},
	}
	label := `{"environment.A":"1","environment.API_KEY":"old-key","environment.DB_PASSWORD":"old","image":"nginx:1"}`
	got := explain(label, s)
	want := []FieldChange{
		{Path: "environment.API_KEY", Before: Masked, AfterAbsent: true},
		{Path: "environment.DB_PASSWORD", Before: Masked, After: Masked},
		{Path: "image", Before: "nginx:1", After: "nginx:2"},
		{Path: "secrets.token.content", After: Masked, BeforeAbsent: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("explain =\n%+v\nwant\n%+v", got, want)
	}
	if explain("", s) != nil || explain("not json", s) != nil {
		t.Error("a missing or unreadable label must give no field list")
	}
}

// FuzzParseFlat: the fast label parser agrees with encoding/json on every input.
func FuzzParseFlat(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":"b"}`, ` { "b" : "1" , "a":"2" } `, `{"a":"\u00e9\n"}`, `{"a":"x","a":"y"}`,
		`{"a":1}`, `[]`, `{"a":"b"`, `{"é":"ü"}`, `{"a":"b"}x`, `null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseFlat(s)
		var m map[string]string
		err := json.Unmarshal([]byte(s), &m)
		if ok != (err == nil) {
			t.Fatalf("parseFlat ok=%v, encoding/json err=%v", ok, err)
		}
		if !ok {
			return
		}
		gm := map[string]string{}
		for _, p := range got {
			gm[p.k] = p.v
		}
		if !maps.Equal(gm, m) || len(gm) != len(got) {
			t.Fatalf("parseFlat = %v, encoding/json = %v", got, m)
		}
		if !slices.IsSortedFunc(got, func(x, y kv) int { return cmpStr(x.k, y.k) }) {
			t.Fatalf("parseFlat result not sorted: %v", got)
		}
	})
}

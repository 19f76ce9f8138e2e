package shell

import "testing"

func TestIncomplete(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   bool
	}{
		{"echo hi\n", false},
		{"for i in 1 2; do\n", true},
		{"for i in 1 2; do\necho $i\n", true},
		{"for i in 1 2; do\necho $i\ndone\n", false},
		{"if true; then\n", true},
		{"echo 'open\n", true},
		{"echo \"open\n", true},
		{"echo )\n", false}, // a real syntax error, not the end of the input
		{"", false},
	} {
		if got := Incomplete(tc.script); got != tc.want {
			t.Errorf("Incomplete(%q) = %v, want %v", tc.script, got, tc.want)
		}
	}
}

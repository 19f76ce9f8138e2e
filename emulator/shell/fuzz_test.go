package shell

import (
	"errors"
	"testing"
)

// FuzzRunScript: any script either runs or returns a typed error; never panics,
// and runs deterministically.
func FuzzRunScript(f *testing.F) {
	for _, s := range []string{`echo "a b" $X ${Y:-d}; exit 3`, `if [ -f /x ]; then cat /x; fi`, `for i in 1 2; do echo $((i*2)); done`,
		`X=$(echo a | grep a) && echo "$X" > /tmp/f 2>&1`, "echo `echo b`", `${`, `"`, `'`, `$((`, `$(`, `a &&`, `| b`,
		`printf '%5.2f %q %' 1`, `sleep 1m; ping -c 2 db; nc -z db 5432`, `cd /; ls -la; rm -rf /tmp; mkdir -p /a/b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		run := func() (Result, error) {
			c := Context{Env: []string{"X=1"}, FS: NewMemFS("/tmp"), Resolver: testNet, Hostname: "h"}
			return RunScript(c, script)
		}
		r1, e1 := run()
		r2, e2 := run()
		if e1 != nil && !errors.Is(e1, ErrSyntax) && !errors.Is(e1, ErrUnsupported) {
			t.Fatalf("untyped error %v", e1)
		}
		if (e1 == nil) != (e2 == nil) || !equalResults(r1, r2) {
			t.Fatalf("not deterministic: %+v vs %+v", r1, r2)
		}
	})
}

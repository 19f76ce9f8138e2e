package dockertest_test

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/reconciler/reconciler/internal/dockertest"
)

// used records the allowlist entries a comparison needed.
var used sync.Map

// TestMain fails a full run (no -run, a daemon configured) that left an
// allowlist entry unused: a fixed difference must leave the list too.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && os.Getenv(dockertest.EnvHost) != "" && flag.Lookup("test.run").Value.String() == "" {
		var stale []string
		for k := range allowlist {
			if _, ok := used.Load(k); !ok {
				stale = append(stale, k)
			}
		}
		sort.Strings(stale)
		for _, k := range stale {
			fmt.Fprintf(os.Stderr, "allowlist entry %q matched no difference: the engines agree now, delete it\n", k)
			code = 1
		}
	}
	os.Exit(code)
}

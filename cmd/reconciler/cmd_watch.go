package main

import (
	"github.com/spf13/cobra"
)

// runWatch is up --watch: the reconciler loop with file watching, resync and
// metrics (issue 6). It is wired once the loop lands in package reconciler.
func (a *app) runWatch(cmd *cobra.Command, o upOptions, services []string) error {
	return notSupported("up --watch", a.g.engine)
}

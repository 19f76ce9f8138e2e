package emulator

import "github.com/reconciler/reconciler/emulator/shell"

// netView answers reachability from inside one container (shell.Resolver):
// names resolve only on a network the container shares with the target.
type netView struct {
	t    *txn
	self *ctrRec
}

// resolver returns c's view of the networks.
func (t *txn) resolver(c *ctrRec) shell.Resolver { return &netView{t: t, self: c} }

// LookupHost implements shell.Resolver.
func (v *netView) LookupHost(name string) ([]string, bool) { return nil, false }

// Dial implements shell.Resolver.
func (v *netView) Dial(host string, port int) bool { return false }

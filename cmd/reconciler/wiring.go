package main

import (
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/reconciler"
)

// openEmbedded opens the embedded engine stored at path.
func openEmbedded(path string) (reconciler.Engine, func() error, error) {
	e, err := emulator.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return e, e.Close, nil
}

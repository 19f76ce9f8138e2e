//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// lockState takes an exclusive advisory lock beside the state file for one
// observe-plan-apply pass, so two processes converging the same state take turns
// instead of racing to create the same containers. The second one then observes
// what the first made and has nothing left to do.
func lockState(statePath string) (unlock func(), err error) {
	path := statePath + ".lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state lock %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("state lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

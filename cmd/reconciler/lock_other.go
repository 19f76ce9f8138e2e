//go:build !unix

package main

// lockState is a no-op where flock is unavailable.
func lockState(string) (func(), error) { return func() {}, nil }

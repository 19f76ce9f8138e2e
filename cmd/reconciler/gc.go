package main

import (
	"os"
	"runtime/debug"
)

// oneShotGCPercent is the garbage collector target of commands that run once
// and exit. Loading a compose file allocates many short-lived values (1000
// services: about 50 MB at GOGC=100) and the process ends right after; a lazier
// collector saved about a fifth of `config -q`'s CPU time on such a file, for
// about 25 MB more peak memory.
const oneShotGCPercent = 400

// gcForOneShot sets the one-shot collector target, unless GOGC is set.
func gcForOneShot() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(oneShotGCPercent)
	}
}

// gcForLongRunning restores the default target for commands that stay up
// (up --watch, engine serve), whose heap must not grow to five times its live
// size; GOGC, when set, still wins.
func gcForLongRunning() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
}

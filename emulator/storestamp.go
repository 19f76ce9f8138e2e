package emulator

import (
	"os"
	"time"
)

// fullPollEvery bounds how many poll ticks an idle watcher may skip on an unchanged
// store stamp before it looks anyway (a safety net for file systems whose mtimes are
// too coarse to tell two writes of the same size apart).
const fullPollEvery = 10

// storeStamp identifies the last write to the store's files, from two stats and no
// query. Every commit by any process changes the WAL file (or, after a checkpoint, the
// database file), so an unchanged stamp means no process wrote since it was taken.
type storeStamp struct {
	dbSize, walSize int64
	dbMod, walMod   time.Time
}

// stamp returns the store's current stamp; ok is false for in-memory engines (no
// other process can write them) and when the files cannot be read.
func (e *Engine) stamp() (s storeStamp, ok bool) {
	if e.path == "" || e.path == ":memory:" {
		return s, false
	}
	fi, err := os.Stat(e.path)
	if err != nil {
		return s, false
	}
	s.dbSize, s.dbMod = fi.Size(), fi.ModTime()
	if fi, err := os.Stat(e.path + "-wal"); err == nil {
		s.walSize, s.walMod = fi.Size(), fi.ModTime()
	}
	return s, true
}

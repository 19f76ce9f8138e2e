package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// DefaultShutdownTimeout bounds the graceful shutdown of Serve when
// Options.ShutdownTimeout is 0.
const DefaultShutdownTimeout = 10 * time.Second

// Serve serves the Engine API over b on l until ctx is cancelled, then shuts down
// gracefully: it stops accepting, ends streaming requests (events, wait, logs -f,
// attach, exec) and waits up to ShutdownTimeout for requests in flight before
// closing what remains. It returns nil after a shutdown caused by ctx, or the
// error that stopped the server otherwise. l is closed when Serve returns.
func Serve(ctx context.Context, l net.Listener, b Backend, opts Options) error {
	drain, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	srv := &http.Server{
		Handler:           newHandler(b, opts, drain),
		ReadHeaderTimeout: 30 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopStreams()
	timeout := opts.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil // requests still running were cut: that is the contract
	}
	return err
}

package dockerpy

import (
	"context"
	"errors"
	"io"
	"iter"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

// Client is docker-py's DockerClient over an Engine. Its collections share
// the engine; a Client is safe for concurrent use when its engine is.
type Client struct {
	engine Engine
	closer io.Closer

	Containers *ContainerCollection
	Images     *ImageCollection
	Networks   *NetworkCollection
	Volumes    *VolumeCollection
}

// New returns a Client over engine (a *client.Client, an *emulator.Engine, or
// any other implementation). Close does not close engine.
func New(engine Engine) *Client {
	c := &Client{engine: engine}
	c.Containers = &ContainerCollection{client: c}
	c.Images = &ImageCollection{client: c}
	c.Networks = &NetworkCollection{client: c}
	c.Volumes = &VolumeCollection{client: c}
	return c
}

// Engine returns the engine the client calls.
func (c *Client) Engine() Engine { return c.engine }

// Close releases the engine when the client opened it (FromEnv); otherwise it
// does nothing.
func (c *Client) Close() error {
	if c.closer == nil {
		return nil
	}
	return c.closer.Close()
}

// Ping reports whether the engine answers, as docker-py's ping() does; an
// unreachable engine is (false, error).
func (c *Client) Ping(ctx context.Context) (bool, error) {
	if _, err := c.engine.Ping(ctx, client.PingOptions{}); err != nil {
		return false, wrap(err)
	}
	return true, nil
}

// Version is docker-py's version(): GET /version.
func (c *Client) Version(ctx context.Context) (client.ServerVersionResult, error) {
	v, err := c.engine.ServerVersion(ctx, client.ServerVersionOptions{})
	return v, wrap(err)
}

// Info is docker-py's info(): GET /info.
func (c *Client) Info(ctx context.Context) (system.Info, error) {
	r, err := c.engine.Info(ctx, client.InfoOptions{})
	return r.Info, wrap(err)
}

// EventsOptions are docker-py's events() arguments. Since and Until are Unix
// timestamps (seconds, fractional allowed) or Go durations relative to now
// ("10m"), as the Engine API accepts them; Filters as in the Engine API.
type EventsOptions struct {
	Since   string
	Until   string
	Filters client.Filters
}

// Events is docker-py's events(decode=True): the engine's events in order.
// Without Until the sequence runs until ctx ends or the caller stops ranging;
// with Until it ends once the engine closes the stream. A stream error is
// yielded once, last.
func (c *Client) Events(ctx context.Context, opts EventsOptions) iter.Seq2[events.Message, error] {
	return func(yield func(events.Message, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		res := c.engine.Events(ctx, client.EventsListOptions{Since: opts.Since, Until: opts.Until, Filters: opts.Filters})
		msgs, errs := res.Messages, res.Err
		for {
			select {
			case m, ok := <-msgs:
				if !ok {
					msgs = nil
					if errs == nil {
						return
					}
					continue
				}
				if !yield(m, nil) {
					return
				}
			case err, ok := <-errs:
				if !ok {
					errs = nil
					if msgs == nil {
						return
					}
					continue
				}
				if err == nil || errors.Is(err, io.EOF) {
					// The engine ended the stream (until reached): drain what is buffered.
					for m := range drain(msgs) {
						if !yield(m, nil) {
							return
						}
					}
					return
				}
				// Deliver buffered messages before the error.
				for m := range drain(msgs) {
					if !yield(m, nil) {
						return
					}
				}
				yield(events.Message{}, wrap(err))
				return
			case <-ctx.Done():
				return
			}
		}
	}
}

// drain yields the messages already buffered in ch without blocking.
func drain(ch <-chan events.Message) iter.Seq[events.Message] {
	return func(yield func(events.Message) bool) {
		if ch == nil {
			return
		}
		for {
			select {
			case m, ok := <-ch:
				if !ok || !yield(m) {
					return
				}
			default:
				return
			}
		}
	}
}

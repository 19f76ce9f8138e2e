package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

func (h *handler) networkList(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.NetworkList(c.ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, nonNil(res.Items))
}

func (h *handler) networkCreate(c *call) error {
	var req network.CreateRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	opts := client.NetworkCreateOptions{
		Driver:     req.Driver,
		Scope:      req.Scope,
		EnableIPv4: req.EnableIPv4,
		EnableIPv6: req.EnableIPv6,
		IPAM:       req.IPAM,
		Internal:   req.Internal,
		Attachable: req.Attachable,
		Ingress:    req.Ingress,
		ConfigOnly: req.ConfigOnly,
		Options:    req.Options,
		Labels:     req.Labels,
	}
	if req.ConfigFrom != nil {
		opts.ConfigFrom = req.ConfigFrom.Network
	}
	res, err := h.b.NetworkCreate(c.ctx, req.Name, opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, network.CreateResponse{ID: res.ID, Warning: strings.Join(res.Warning, "\n")})
}

func (h *handler) networkInspect(c *call) error {
	res, err := h.b.NetworkInspect(c.ctx, c.vars["id"], client.NetworkInspectOptions{
		Scope:   c.q("scope"),
		Verbose: c.qbool("verbose"),
	})
	if err != nil {
		return err
	}
	if len(res.Raw) > 0 && json.Valid(res.Raw) {
		return c.raw(http.StatusOK, res.Raw)
	}
	return c.json(http.StatusOK, res.Network)
}

func (h *handler) networkConnect(c *call) error {
	var req network.ConnectRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	_, err := h.b.NetworkConnect(c.ctx, c.vars["id"], client.NetworkConnectOptions{Container: req.Container, EndpointConfig: req.EndpointConfig})
	if err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

func (h *handler) networkDisconnect(c *call) error {
	var req network.DisconnectRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	_, err := h.b.NetworkDisconnect(c.ctx, c.vars["id"], client.NetworkDisconnectOptions{Container: req.Container, Force: req.Force})
	if err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

func (h *handler) networkRemove(c *call) error {
	if _, err := h.b.NetworkRemove(c.ctx, c.vars["id"], client.NetworkRemoveOptions{}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) networkPrune(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.NetworkPrune(c.ctx, client.NetworkPruneOptions{Filters: f})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, res.Report)
}

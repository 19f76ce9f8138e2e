package dockertest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// TestCleanupRemovesOnlyTheTestsObjects checks the helper's promise: what a
// test labels or names is gone after its cleanup, other objects stay.
func TestCleanupRemovesOnlyTheTestsObjects(t *testing.T) {
	outer := dockertest.Start(t)
	ctx := context.Background()
	other, err := outer.Client.VolumeCreate(ctx, client.VolumeCreateOptions{Name: outer.Name("other"), Labels: outer.Labels()})
	if err != nil {
		t.Fatal(err)
	}
	var inner *dockertest.Daemon
	t.Run("inner", func(t *testing.T) {
		inner = dockertest.Start(t)
		c := inner.Client
		if _, err := c.NetworkCreate(ctx, inner.Name("net"), client.NetworkCreateOptions{Labels: inner.Labels()}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.VolumeCreate(ctx, client.VolumeCreateOptions{Name: inner.Name("vol")}); err != nil {
			t.Fatal(err) // unlabelled: removed by its name
		}
		res, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:       inner.Name("ctr"),
			Config:     &container.Config{Image: dockertest.Image, Cmd: []string{"sleep", "600"}, Labels: inner.Labels()},
			HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(inner.Name("net")), Binds: []string{inner.Name("vol") + ":/data"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ImageTag(ctx, client.ImageTagOptions{Source: dockertest.Image, Target: inner.ID + "-img:1"}); err != nil {
			t.Fatal(err)
		}
		inner.TrackImage(inner.ID + "-img:1")
	})
	c := outer.Client
	for _, check := range []struct {
		what string
		err  error
	}{
		{"container", func() error {
			_, err := c.ContainerInspect(ctx, inner.Name("ctr"), client.ContainerInspectOptions{})
			return err
		}()},
		{"network", func() error {
			_, err := c.NetworkInspect(ctx, inner.Name("net"), client.NetworkInspectOptions{})
			return err
		}()},
		{"volume", func() error {
			_, err := c.VolumeInspect(ctx, inner.Name("vol"), client.VolumeInspectOptions{})
			return err
		}()},
		{"image tag", func() error { _, err := c.ImageInspect(ctx, inner.ID+"-img:1"); return err }()},
	} {
		if check.err == nil {
			t.Errorf("%s of the inner test survived its cleanup", check.what)
		}
	}
	if _, err := c.VolumeInspect(ctx, other.Volume.Name, client.VolumeInspectOptions{}); err != nil {
		t.Errorf("the outer test's volume was removed by the inner cleanup: %v", err)
	}
	if _, err := c.ImageInspect(ctx, dockertest.Image); err != nil {
		t.Errorf("%s was removed: %v", dockertest.Image, err)
	}
}

func TestNamesAreValidAndUnique(t *testing.T) {
	d := dockertest.Start(t)
	seen := map[string]bool{}
	for range 3 {
		t.Run("Sub Test/With:odd*chars", func(t *testing.T) {
			s := dockertest.Start(t)
			if seen[s.ID] {
				t.Errorf("id %s repeated", s.ID)
			}
			seen[s.ID] = true
			// dockerd's container name rule, also valid for networks and volumes.
			if _, err := s.Client.VolumeCreate(context.Background(), client.VolumeCreateOptions{Name: s.Name("v")}); err != nil {
				t.Errorf("name %q rejected: %v", s.Name("v"), err)
			}
		})
	}
	if d.Name("x") == "" {
		t.Fatal("empty name")
	}
}

// TestProjectObjectsAreCleanedUp: objects named as compose names them for
// project d.ID ("<id>_net", "<id>-web-1"), unlabelled, go at cleanup too.
func TestProjectObjectsAreCleanedUp(t *testing.T) {
	outer := dockertest.Start(t)
	ctx := context.Background()
	var project string
	t.Run("inner", func(t *testing.T) {
		d := dockertest.Start(t)
		project = d.ID
		if env := d.Environ(); len(env) == 0 || env[0] != "DOCKER_HOST="+d.Host {
			t.Errorf("Environ() = %q, want DOCKER_HOST=%s first", env, d.Host)
		}
		if _, err := d.Client.NetworkCreate(ctx, project+"_net", client.NetworkCreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Client.VolumeCreate(ctx, client.VolumeCreateOptions{Name: project + "_vol"}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Client.ContainerCreate(ctx, client.ContainerCreateOptions{Name: project + "-web-1",
			Config: &container.Config{Image: dockertest.Image, Cmd: []string{"true"}}}); err != nil {
			t.Fatal(err)
		}
	})
	c := outer.Client
	if _, err := c.NetworkInspect(ctx, project+"_net", client.NetworkInspectOptions{}); err == nil {
		t.Error("network survived cleanup")
	}
	if _, err := c.VolumeInspect(ctx, project+"_vol", client.VolumeInspectOptions{}); err == nil {
		t.Error("volume survived cleanup")
	}
	if _, err := c.ContainerInspect(ctx, project+"-web-1", client.ContainerInspectOptions{}); err == nil {
		t.Error("container survived cleanup")
	}
}

// freeHostPort returns a host port that nothing listens on now, below the kernel's
// ephemeral range (32768 and up on Linux), so an outgoing connection cannot take it
// between this check and the daemon's bind.
func freeHostPort(t *testing.T) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("no free host port in 20000-31999")
	return 0
}

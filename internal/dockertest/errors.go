package dockertest

import (
	"errors"

	cerrdefs "github.com/containerd/errdefs"
)

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

func joinErrs(errs []error) error { return errors.Join(errs...) }

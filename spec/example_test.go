package spec_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reconciler/reconciler/spec"
)

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "stack.yml")
	_ = os.WriteFile(file, []byte(`
name: demo
services:
  web:
    image: nginx:${TAG:-1.27}
    ports: ["80"] # a random host port per replica
    deploy: {replicas: 2}
`), 0o644)

	d, err := spec.Load(context.Background(), spec.Options{Files: []string{file}, Environ: []string{}})
	if err != nil {
		fmt.Println(err) // one line per problem: file:line:column: path: message
		return
	}
	for _, s := range d.Services {
		fmt.Println(s.Name, s.Image, s.Replicas)
		for _, c := range s.Containers {
			fmt.Println(" ", c.Name, c.HostConfig.NetworkMode)
		}
	}
	for _, n := range d.Networks {
		fmt.Println("network", n.Name)
	}
	// Output:
	// web nginx:1.27 2
	//   demo-web-1 demo_default
	//   demo-web-2 demo_default
	// network demo_default
}

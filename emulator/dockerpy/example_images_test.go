package dockerpy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/reconciler/reconciler/emulator/dockerpy"
)

// Pulling images (seed: "Pulling Images").
func ExampleImageCollection_Pull() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	// Pull an image.
	image, err := client.Images.Pull(ctx, "python", dockerpy.PullOptions{Tag: "3.9"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Pulled: %v\n", image.Tags())

	// Pull latest version.
	image, err = client.Images.Pull(ctx, "alpine", dockerpy.PullOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Pulled: %v %s\n", image.Tags(), image.Attrs().Config.Cmd)
	// Output:
	// Pulled: [python:3.9]
	// Pulled: [alpine:latest] [/bin/sh]
}

// Tagging images (seed: "Tagging Images").
func ExampleImage_Tag() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	// Pull and tag an image.
	image, err := client.Images.Pull(ctx, "alpine:latest", dockerpy.PullOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := image.Tag(ctx, "myregistry/alpine", "v1.0"); err != nil {
		fmt.Println(err)
		return
	}
	// Now the image has multiple tags.
	fmt.Println(image.Tags())
	// Output: [alpine:latest myregistry/alpine:v1.0]
}

// Listing and removing images (seed: "Listing and Removing Images"; the seed's
// myapp:latest is built, here it is pulled, as builds arrive with the runtime).
func ExampleImageCollection_List() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()
	for _, ref := range []string{"myapp:latest", "redis:7"} {
		if _, err := client.Images.Pull(ctx, ref, dockerpy.PullOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}

	// List all images.
	images, err := client.Images.List(ctx, dockerpy.ImageListOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("images:", len(images))
	// List by repository name (docker-py's name=, the "reference" filter).
	redis, err := client.Images.List(ctx, dockerpy.ImageListOptions{Name: "redis"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, image := range redis {
		fmt.Printf("Tags: %v, has size: %v\n", image.Tags(), image.Size() > 0)
	}

	// Remove an image.
	deleted, err := client.Images.Remove(ctx, "myapp:latest", dockerpy.ImageRemoveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Untagged:", deleted[0].Untagged)
	_, err = client.Images.Get(ctx, "myapp:latest")
	var notFound *dockerpy.ImageNotFound
	fmt.Println("gone:", errors.As(err, &notFound))
	// Output:
	// images: 2
	// Tags: [redis:7], has size: true
	// Untagged: myapp:latest
	// gone: true
}

// Pruning unused images (seed: "Prune unused images (without tags)"): re-pulling
// a tag whose image changed leaves the old image dangling; prune removes it.
func ExampleImageCollection_Prune() {
	eng := exampleEngine()
	defer eng.Close()
	client := dockerpy.New(eng)
	ctx := context.Background()

	old, err := client.Images.Pull(ctx, "alpine:3.20", dockerpy.PullOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := old.Tag(ctx, "myapp", "latest"); err != nil {
		fmt.Println(err)
		return
	}
	// Moving the tag to another image and dropping the old tag leaves the old image untagged.
	if _, err := client.Images.Remove(ctx, "alpine:3.20", dockerpy.ImageRemoveOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	newer, err := client.Images.Pull(ctx, "alpine:3.21", dockerpy.PullOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := newer.Tag(ctx, "myapp", "latest"); err != nil {
		fmt.Println(err)
		return
	}

	result, err := client.Images.Prune(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Removed %d images\n", len(result.ImagesDeleted))
	// Output: Removed 1 images
}

package build_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reconciler/reconciler/emulator/build"
	"github.com/reconciler/reconciler/emulator/registry"
)

// Example builds a two-file context against the built-in catalog and prints
// the build log as `docker build` shows it.
func Example() {
	var ctx bytes.Buffer
	tw := tar.NewWriter(&ctx)
	for name, body := range map[string]string{
		"Dockerfile": "FROM alpine:3.19\nCOPY greeting.txt /srv/\nRUN cat /srv/greeting.txt\nCMD [\"cat\", \"/srv/greeting.txt\"]\n",
	} {
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})
		_, _ = tw.Write([]byte(body))
	}
	_ = tw.WriteHeader(&tar.Header{Name: "greeting.txt", Mode: 0o644, Size: 6})
	_, _ = tw.Write([]byte("hello\n"))
	_ = tw.Close()

	catalog := registry.Default()
	images := build.ResolverFunc(func(_ context.Context, ref string) (build.BaseImage, error) {
		img, err := catalog.Lookup(ref)
		return build.BaseImage{Image: img}, err
	})
	res, err := build.Build(context.Background(), &ctx, build.Options{Tags: []string{"greeter"}}, images)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(string(res.Stream)), "\r\n") {
		var m struct{ Stream string }
		_ = json.Unmarshal([]byte(line), &m)
		fmt.Print(m.Stream)
	}
	fmt.Println(res.Image.Config.Cmd, res.Image.RepoTags)
	// Output:
	// Step 1/4 : FROM alpine:3.19
	//  ---> b7bc273b3752
	// Step 2/4 : COPY greeting.txt /srv/
	//  ---> 8fb458868e10
	// Step 3/4 : RUN cat /srv/greeting.txt
	//  ---> Running in b302b8f9100b
	// hello
	// Removing intermediate container b302b8f9100b
	//  ---> 95d4a447de67
	// Step 4/4 : CMD ["cat", "/srv/greeting.txt"]
	//  ---> Running in 575dcee156ff
	// Removing intermediate container 575dcee156ff
	//  ---> b4f06323468c
	// Successfully built b4f06323468c
	// Successfully tagged greeter:latest
	// [cat /srv/greeting.txt] [greeter:latest]
}

package build

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkBuild20 builds a 20-instruction, two-stage Dockerfile over a 1 MB context
// (64 files of 16 KiB) against the catalog's alpine.
func BenchmarkBuild20(b *testing.B) {
	files := map[string]string{}
	chunk := strings.Repeat("0123456789abcdef", 1024) // 16 KiB
	for i := range 64 {
		files[fmt.Sprintf("src/pkg%02d/file.txt", i)] = chunk[:len(chunk)-1] + fmt.Sprint(i%10)
	}
	files["Dockerfile"] = strings.Join([]string{
		"ARG VERSION=1.0",
		"FROM alpine:3.19 AS build",
		"ARG VERSION",
		"ENV APP_VERSION=$VERSION",
		"WORKDIR /src",
		"COPY src/ ./",
		"RUN ls /src > /manifest && echo built $APP_VERSION > /version",
		"RUN mkdir -p /out && cp /version /out/version",
		"FROM alpine:3.19",
		"LABEL org.opencontainers.image.title=bench",
		"ENV PORT=8080",
		"WORKDIR /app",
		"COPY --from=build /out/ /app/",
		"COPY src/pkg00 /app/data/",
		"RUN test -f /app/version && echo ok",
		"EXPOSE 8080",
		"USER 1000",
		"VOLUME /data",
		"HEALTHCHECK --interval=5s CMD wget -q localhost:8080 || exit 1",
		"CMD [\"/app/server\"]",
	}, "\n") + "\n"
	ctx := tarOf(b, files)
	data := make([]byte, ctx.Len())
	if _, err := ctx.Read(data); err != nil {
		b.Fatal(err)
	}
	resolver := newResolver()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res, err := Build(context.Background(), bytes.NewReader(data), Options{Tags: []string{"bench"}}, resolver)
		if err != nil {
			b.Fatalf("%v\n%s", err, res.Stream)
		}
	}
}

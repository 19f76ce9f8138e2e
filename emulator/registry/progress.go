package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/jsonstream"
)

// maxConcurrentDownloads is dockerd's default --max-concurrent-downloads: layers
// beyond the first three wait.
const maxConcurrentDownloads = 3

// progressMessage is one line of dockerd's JSON progress stream, with the
// fields in dockerd's order and the human-readable "progress" bar it still
// sends next to progressDetail.
type progressMessage struct {
	Status         string               `json:"status"`
	ProgressDetail *jsonstream.Progress `json:"progressDetail,omitempty"`
	Progress       string               `json:"progress,omitempty"`
	ID             string               `json:"id,omitempty"`
}

// PullProgress returns the JSON stream dockerd writes for a pull of ref that
// downloads every layer of img: "Pulling from", per layer "Pulling fs layer",
// "Waiting", "Downloading", "Verifying Checksum", "Download complete",
// "Extracting", "Pull complete", then "Digest: ..." and "Status: Downloaded
// newer image for ...". Each message ends with "\r\n" as dockerd's do. The
// output depends only on img and ref.
func PullProgress(img Image, ref Reference) []byte {
	return PullProgressFrom(img, ref, nil)
}

// PullProgressFrom is PullProgress for a host that already holds some layers:
// layers whose DiffID have reports present show "Already exists" and are not
// downloaded. With every layer present (a new tag of an image already
// pulled) the stream still ends "Downloaded newer image", as dockerd's does.
func PullProgressFrom(img Image, ref Reference, have func(diffID string) bool) []byte {
	var b bytes.Buffer
	w := func(m progressMessage) {
		line, err := json.Marshal(m)
		if err != nil {
			// Only strings and integers: cannot fail.
			panic(err)
		}
		b.Write(line)
		b.WriteString("\r\n")
	}
	empty := func() *jsonstream.Progress { return &jsonstream.Progress{} }
	w(progressMessage{Status: "Pulling from " + ref.Path(), ID: ref.TagOrDigest()})
	var todo []Layer
	for _, l := range img.Layers {
		id := shortDigest(l.Digest)
		if have != nil && have(l.DiffID) {
			w(progressMessage{Status: "Already exists", ProgressDetail: empty(), ID: id})
			continue
		}
		w(progressMessage{Status: "Pulling fs layer", ProgressDetail: empty(), ID: id})
		todo = append(todo, l)
	}
	for i, l := range todo {
		if i >= maxConcurrentDownloads {
			w(progressMessage{Status: "Waiting", ProgressDetail: empty(), ID: shortDigest(l.Digest)})
		}
	}
	for _, l := range todo {
		id := shortDigest(l.Digest)
		for _, cur := range steps(l.CompressedSize) {
			p := &jsonstream.Progress{Current: cur, Total: l.CompressedSize}
			w(progressMessage{Status: "Downloading", ProgressDetail: p, Progress: progressBar(p), ID: id})
		}
		w(progressMessage{Status: "Verifying Checksum", ProgressDetail: empty(), ID: id})
		w(progressMessage{Status: "Download complete", ProgressDetail: empty(), ID: id})
	}
	for _, l := range todo {
		id := shortDigest(l.Digest)
		for _, cur := range steps(l.CompressedSize) {
			p := &jsonstream.Progress{Current: cur, Total: l.CompressedSize}
			w(progressMessage{Status: "Extracting", ProgressDetail: p, Progress: progressBar(p), ID: id})
		}
		w(progressMessage{Status: "Pull complete", ProgressDetail: empty(), ID: id})
	}
	w(progressMessage{Status: "Digest: " + img.ManifestDigest})
	w(progressMessage{Status: "Status: Downloaded newer image for " + ref.Familiar()})
	return b.Bytes()
}

// PullProgressUpToDate returns the stream dockerd writes when the image ref
// names is already present: "Pulling from", "Digest: ...", "Status: Image is
// up to date for ...".
func PullProgressUpToDate(img Image, ref Reference) []byte {
	var b bytes.Buffer
	for _, m := range []progressMessage{
		{Status: "Pulling from " + ref.Path(), ID: ref.TagOrDigest()},
		{Status: "Digest: " + img.ManifestDigest},
		{Status: "Status: Image is up to date for " + ref.Familiar()},
	} {
		line, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		b.Write(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// PullErrorMessage returns the stream line dockerd writes when a pull fails
// after the stream started: {"errorDetail":{"message":...},"error":...}.
func PullErrorMessage(err error) []byte {
	line, mErr := json.Marshal(struct {
		ErrorDetail jsonstream.Error `json:"errorDetail"`
		Error       string           `json:"error"`
	}{jsonstream.Error{Message: err.Error()}, err.Error()})
	if mErr != nil {
		panic(mErr)
	}
	return append(line, '\r', '\n')
}

// steps lists the progress values reported for a transfer of total bytes:
// one update for small blobs, four for larger ones, always ending at total.
func steps(total int64) []int64 {
	if total < 1<<20 {
		return []int64{total}
	}
	return []int64{total / 8, total * 3 / 8, total * 3 / 4, total}
}

// progressBar renders the "progress" string as dockerd did for a client of
// unknown terminal width: a 50-cell bar followed by the byte counts.
func progressBar(p *jsonstream.Progress) string {
	if p.Total <= 0 {
		return fmt.Sprintf("%8v", units.HumanSize(float64(p.Current)))
	}
	pct := int(float64(p.Current)/float64(p.Total)*100) / 2
	if pct > 50 {
		pct = 50
	}
	bar := fmt.Sprintf("[%s>%s] ", strings.Repeat("=", pct), strings.Repeat(" ", 50-pct))
	return bar + fmt.Sprintf("%8v/%v", units.HumanSize(float64(p.Current)), units.HumanSize(float64(p.Total)))
}

// shortDigest is the 12-hex id of a blob digest as progress lines show it.
func shortDigest(d string) string {
	_, hex, ok := strings.Cut(d, ":")
	if !ok {
		hex = d
	}
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return hex
}

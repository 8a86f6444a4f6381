package fake

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// BenchmarkGetIdentitySourceAtScale serves GetIdentitySource through
// Server.Handler, as BenchmarkServeGetIdentitySource does, in a server
// holding 1 and then 1,000,000 pairs of a policy store and its Cognito
// identity source (created with clientTokens, through fillPairs), each
// call naming the next pair of a random order of all of them, so that the
// lookups at scale are not in cache. The pairs=1000000 run also reports
// the time the fill took ("fill-s") and its latency over that of the last
// pairs=1 run ("x-pairs=1"; the issue asks at most 1.2; with -count, the
// pairs=1 runs all come first, and the medians of ns/op are the figures
// to compare):
//
//	go test -run XXX -bench GetIdentitySourceAtScale -benchtime 3s -count 3 ./fake
func BenchmarkGetIdentitySourceAtScale(b *testing.B) {
	var base float64 // ns/op of pairs=1, once measured
	for _, n := range []int{1, 1_000_000} {
		b.Run(fmt.Sprintf("pairs=%d", n), func(b *testing.B) {
			s := NewServer(WithoutListener(), WithMaxPolicyStores(1<<30), WithMaxStateBytes(1<<40))
			defer s.Close()
			runtime.GC() // nothing left of an earlier run's server
			start := time.Now()
			pairs := fillPairs(b, s, n)
			fill := time.Since(start)
			runtime.GC()
			handler := s.Handler()
			req := newScaleRequest("GetIdentitySource")
			// A random order of all the pairs, taken in turn: each call
			// names a pair at random, while the benchmark's own reads of
			// pairs are sequential and cost no cache miss of their own.
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
			body := make([]byte, 0, 128)
			next := 0
			b.ReportAllocs()
			for b.Loop() {
				p := &pairs[next]
				if next++; next == len(pairs) {
					next = 0
				}
				body = append(append(append(append(append(body[:0],
					`{"policyStoreId":"`...), p.store[:]...), `","identitySourceId":"`...), p.source[:]...), `"}`...)
				if w := req.serve(handler, body); w.code != http.StatusOK {
					b.Fatalf("GetIdentitySource of pair %s/%s: HTTP %d %s, want 200", p.store[:], p.source[:], w.code, w.body.String())
				}
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if n == 1 {
				base = perOp
			} else {
				b.ReportMetric(fill.Seconds(), "fill-s")
				if base > 0 {
					b.ReportMetric(perOp/base, "x-pairs=1")
				}
			}
			runtime.KeepAlive(pairs)
		})
	}
}

// scaleRequest is one API request served again and again with new
// bodies, and the response writer it is served to, both reused so that
// the benchmark's own allocations are few.
type scaleRequest struct {
	req *http.Request
	rd  *bytes.Reader
	w   scaleRecorder
}

func newScaleRequest(op string) *scaleRequest {
	req := httptest.NewRequest(http.MethodPost, "http://vpfake.invalid/", nil)
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	req.Header.Set("User-Agent", "aws-sdk-go-v2/1.0 scale")
	return &scaleRequest{req: req, rd: bytes.NewReader(nil), w: scaleRecorder{header: http.Header{}}}
}

// serve serves body through handler and returns the recorded answer,
// valid until the next call.
func (r *scaleRequest) serve(handler http.Handler, body []byte) *scaleRecorder {
	r.rd.Reset(body)
	r.req.Body = io.NopCloser(r.rd)
	r.req.ContentLength = int64(len(body))
	r.w.reset()
	handler.ServeHTTP(&r.w, r.req)
	return &r.w
}

// scaleRecorder is a reusable http.ResponseWriter that keeps the status
// and body.
type scaleRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *scaleRecorder) reset() {
	clear(w.header)
	w.code = 0
	w.body.Reset()
}

func (w *scaleRecorder) Header() http.Header { return w.header }

func (w *scaleRecorder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *scaleRecorder) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.body.Write(p)
}

package deviations_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

// failingServer is a server that gets everything wrong in one way, and the
// cause the report must give first.
type failingServer struct {
	name    string
	handler http.Handler
	// cause matches the first cause of the report.
	cause *regexp.Regexp
	// answer is what every failed row must show came back.
	answer string
	// oneCause says that the cause must be the only one, behind every
	// failed scenario: the server answers every call alike.
	oneCause bool
}

// errorServer answers every call, control routes included, with status and
// one error.
func errorServer(status int, shape string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		w.Header().Set("X-Amzn-ErrorType", shape)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"__type":"` + shape + `","message":"vpconform failing server: ` + shape + `"}`))
	})
}

// failingServers answer every call with one error that is no shape of this
// API (HTTP 400 InvalidAction, as an emulator answers an operation it does
// not serve), with InternalServerException (HTTP 500, which the SDK
// retries), or with HTTP 200 and {}. The catalogue must fail against them
// at once, say why on every row and name the one cause.
var failingServers = []failingServer{
	{
		name:    "fails-everything",
		handler: errorServer(http.StatusBadRequest, "InvalidAction"),
		cause: regexp.MustCompile(`^CreatePolicyStore, DeletePolicyStore, GetIdentitySource, ListIdentitySources and UpdateIdentitySource ` +
			`answer HTTP 400 InvalidAction$`),
		answer: "HTTP 400 InvalidAction", oneCause: true,
	},
	{
		name:    "fails-everything-500",
		handler: errorServer(http.StatusInternalServerError, "InternalServerException"),
		cause: regexp.MustCompile(`^CreatePolicyStore, DeletePolicyStore, GetIdentitySource, ListIdentitySources and UpdateIdentitySource ` +
			`answer HTTP 500 InternalServerException$`),
		answer: "HTTP 500 InternalServerException", oneCause: true,
	},
	{
		name: "empty-200",
		handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", schemas.ContentType)
			_, _ = w.Write([]byte(`{}`))
		}),
		cause:  regexp.MustCompile(`^CreatePolicyStore answers HTTP 200 without a policyStoreId$`),
		answer: "HTTP 200",
	},
}

// serveOnly is the wrapper of a run against h instead of the fake.
func serveOnly(h http.Handler) func(http.Handler) http.Handler {
	return func(http.Handler) http.Handler { return h }
}

// TestCatalogueAgainstFailingServers runs the endpoint suite against each
// failing server: no scenario passes cleanly; every failed row of the
// report says what was expected and what came back; the report opens with
// the failures grouped by cause, and against the server answering every
// call with one error that is one cause, with the count of every failed
// scenario behind it.
func TestCatalogueAgainstFailingServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the endpoint suite and runs it; not in -short")
	}
	t.Parallel() // shares the pool of runs
	pool := endpointRuns(t)
	t.Run("server", func(t *testing.T) {
		for _, srv := range failingServers {
			t.Run(srv.name, func(t *testing.T) {
				r := pool.start(&run{name: "failing/" + srv.name, wrap: serveOnly(srv.handler), priority: priorityOther})
				t.Parallel()
				<-r.done
				checkFailingRun(t, srv, r)
			})
		}
	})
}

// checkFailingRun judges the report of a run against a failing server.
func checkFailingRun(t *testing.T, srv failingServer, r *run) {
	if r.err != nil {
		t.Fatal(r.err)
	}
	c := r.report
	if len(c.Scenarios) < minScenarios {
		t.Errorf("the report has %d scenarios, want at least %d", len(c.Scenarios), minScenarios)
	}
	for _, sr := range c.Scenarios {
		switch {
		case sr.Result == specs.ResultPassed && len(sr.Deviations) == 0:
			t.Errorf("%s passed cleanly against %s", sr.ID, srv.name)
		case sr.Result == specs.ResultFailed && (!strings.Contains(sr.Differed, "expected") || !strings.Contains(sr.Differed, "got")):
			t.Errorf("%s: the row does not say what was expected and what came back: %q", sr.ID, sr.Differed)
		case sr.Result == specs.ResultFailed && !strings.Contains(sr.Differed, srv.answer):
			t.Errorf("%s: the row does not show the answer %s: %q", sr.ID, srv.answer, sr.Differed)
		}
	}
	if c.Summary.Failed == 0 || len(c.Causes) == 0 {
		t.Fatalf("summary %+v, causes %+v: want failures and their causes", c.Summary, c.Causes)
	}
	top := c.Causes[0]
	if !srv.cause.MatchString(top.Cause) {
		t.Errorf("first cause %q, want one matching %s", top.Cause, srv.cause)
	}
	if srv.oneCause && (len(c.Causes) != 1 || top.Count != c.Summary.Failed) {
		t.Errorf("causes %+v: want one cause behind all %d failed scenarios", c.Causes, c.Summary.Failed)
	}
	// The Markdown opens, after the title and the summary line, with the
	// causes, the largest first, with its count.
	sections := strings.SplitN(r.markdown, "\n## ", 3)
	if len(sections) < 2 || !strings.HasPrefix(sections[1], "Failures by cause\n") ||
		!strings.Contains(sections[1], "- **"+strings.ReplaceAll(top.Cause, "*", `\*`)+"**: "+strconv.Itoa(top.Count)+" scenarios: ") {
		t.Errorf("the report's first section does not name %q with %d scenarios:\n%s", top.Cause, top.Count, firstLines(r.markdown, 8))
	}
	t.Logf("%s: %s; %d × %s; run took %v", srv.name, c.SummaryLine(), top.Count, top.Cause, r.took.Round(time.Millisecond))
}

// firstLines returns the first n lines of s, for failure messages.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// BenchmarkCatalogue times one run of the whole catalogue (the endpoint
// suite, built once, as a separate process over loopback) against the
// faithful fake and against each failing server. A scenario waits only
// while a write it made propagates, so a server that gets everything wrong
// must not take longer than the fake: make bench-catalogue prints the
// medians and the ratios fails-everything/fake and empty-200/fake.
func BenchmarkCatalogue(b *testing.B) {
	pool := endpointRuns(b)
	servers := []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{{name: "fake"}}
	for _, f := range failingServers {
		servers = append(servers, struct {
			name string
			wrap func(http.Handler) http.Handler
		}{f.name, serveOnly(f.handler)})
	}
	for _, srv := range servers {
		b.Run(srv.name, func(b *testing.B) {
			for i := range b.N {
				r := &run{name: "bench/" + srv.name + "/" + strconv.Itoa(i), wrap: srv.wrap}
				if err := runSuite(pool.root, pool.bin, filepath.Join(pool.dir, filepath.FromSlash(r.name)), r); err != nil {
					b.Fatal(err)
				}
				if len(r.report.Scenarios) < minScenarios {
					b.Fatalf("%s: %d scenarios in the report, want at least %d", srv.name, len(r.report.Scenarios), minScenarios)
				}
			}
		})
	}
}

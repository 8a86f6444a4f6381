package deviations_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

// failingServers are servers that get everything wrong in one way: every
// call, control routes included, answered with one error that is no shape
// of this API (HTTP 400 InvalidAction, as an emulator answers an operation
// it does not serve), or with HTTP 200 and {}. The catalogue must fail
// against them at once, say why on every row and name the one cause.
var failingServers = map[string]http.Handler{
	"fails-everything": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		w.Header().Set("X-Amzn-ErrorType", "InvalidAction")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"InvalidAction","message":"The action is not valid for this endpoint."}`))
	}),
	"empty-200": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		_, _ = w.Write([]byte(`{}`))
	}),
}

// failingCauses is the cause each failing server must be reported for,
// first and for every failed scenario.
var failingCauses = map[string]*regexp.Regexp{
	"fails-everything": regexp.MustCompile(`^CreatePolicyStore, DeletePolicyStore, GetIdentitySource, ListIdentitySources and UpdateIdentitySource answer HTTP 400 InvalidAction$`),
	"empty-200":        regexp.MustCompile(`^CreatePolicyStore answers HTTP 200 without a policyStoreId$`),
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
	names := make([]string, 0, len(failingServers))
	for name := range failingServers {
		names = append(names, name)
	}
	sort.Strings(names)
	t.Run("server", func(t *testing.T) {
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				r := pool.start(&run{name: "failing/" + name, wrap: serveOnly(failingServers[name]), priority: priorityOther})
				t.Parallel()
				<-r.done
				checkFailingRun(t, name, r)
			})
		}
	})
}

// checkFailingRun judges the report of a run against a failing server.
func checkFailingRun(t *testing.T, name string, r *run) {
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
			t.Errorf("%s passed cleanly against a server that %s", sr.ID, name)
		case sr.Result == specs.ResultFailed && (!strings.Contains(sr.Differed, "expected") || !strings.Contains(sr.Differed, "got")):
			t.Errorf("%s: the row does not say what was expected and what came back: %q", sr.ID, sr.Differed)
		case sr.Result == specs.ResultFailed && name == "fails-everything" && !strings.Contains(sr.Differed, "InvalidAction"):
			t.Errorf("%s: the row does not show the answer InvalidAction: %q", sr.ID, sr.Differed)
		}
	}
	if c.Summary.Failed == 0 || len(c.Causes) == 0 {
		t.Fatalf("summary %+v, causes %+v: want failures and their causes", c.Summary, c.Causes)
	}
	top := c.Causes[0]
	if !failingCauses[name].MatchString(top.Cause) {
		t.Errorf("first cause %q, want one matching %s", top.Cause, failingCauses[name])
	}
	if name == "fails-everything" && (len(c.Causes) != 1 || top.Count != c.Summary.Failed) {
		t.Errorf("causes %+v: want one cause behind all %d failed scenarios", c.Causes, c.Summary.Failed)
	}
	// The Markdown opens, after the title and the summary line, with the
	// causes, the largest first, with its count.
	sections := strings.SplitN(r.markdown, "\n## ", 3)
	if len(sections) < 2 || !strings.HasPrefix(sections[1], "Failures by cause\n") ||
		!strings.Contains(sections[1], "- **"+strings.ReplaceAll(top.Cause, "*", `\*`)+"**: "+strconv.Itoa(top.Count)+" scenarios: ") {
		t.Errorf("the report's first section does not name %q with %d scenarios:\n%s", top.Cause, top.Count, firstLines(r.markdown, 8))
	}
	t.Logf("%s: %s; %d × %s; run took %v", name, c.SummaryLine(), top.Count, top.Cause, r.took.Round(time.Millisecond))
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
	}{{name: "fake"}, {"fails-everything", serveOnly(failingServers["fails-everything"])}, {"empty-200", serveOnly(failingServers["empty-200"])}}
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

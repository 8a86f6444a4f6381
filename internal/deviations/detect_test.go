package deviations_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/internal/deviations"
	"github.com/vpconform/vpconform/specs"
)

// Bounds of the detection test.
const (
	// endpointSuite is the suite the test builds and runs, relative to the
	// module root.
	endpointSuite = "./suites/endpoint"
	// parallelRuns is how many suite runs go at once (two cores).
	parallelRuns = 2
	// buildTimeout bounds building the suite's test binary.
	buildTimeout = 5 * time.Minute
	// runTimeout bounds one run of the suite.
	runTimeout = 5 * time.Minute
)

// outcome is what one run of the suite said about one scenario.
type outcome struct {
	state types.SpecState
	// failure is the failure message, for a scenario that failed.
	failure string
	// deviations are the advisory deviations the scenario reported.
	deviations []string
	// row is what the kit's conformance report (conformance.json) says
	// differed: for a failed scenario what was expected and what came back,
	// else its deviations.
	row string
}

// failed reports whether the scenario failed (failed, panicked, timed out,
// interrupted or aborted).
func (o outcome) failed() bool { return o.state.Is(types.SpecStateFailureStates) }

// clean reports whether the scenario passed with no deviation.
func (o outcome) clean() bool { return o.state == types.SpecStatePassed && len(o.deviations) == 0 }

// detected reports whether the scenario failed or reported a deviation.
func (o outcome) detected() bool { return o.failed() || len(o.deviations) > 0 }

// TestDeviationsAreDetected runs the endpoint suite against the faithful
// fake, which must pass cleanly, and against the fake wrapped in each
// deviation, which every one of the deviation's DetectedBy scenarios that
// runs must catch: by failing, or for an evidence-I behaviour by reporting
// a deviation.
func TestDeviationsAreDetected(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the endpoint suite and runs it once per deviation; not in -short")
	}
	catalogue := map[string]bool{}
	for _, sc := range specs.Catalogue() {
		catalogue[sc.ID] = true
	}
	all := deviations.All()
	detectedBy := map[string][]string{} // deviation → the ids its DetectedBy names
	for _, d := range all {
		detectedBy[d.Name] = detectors(t, d, catalogue)
	}
	if t.Failed() {
		t.FailNow()
	}

	t.Parallel() // shares the pool of runs with TestConformingVariantsPassCleanly
	start := time.Now()
	pool := endpointRuns(t)
	faithfulRun := pool.start(&run{name: "faithful", priority: priorityFaithful})
	<-faithfulRun.done
	faithful, err := faithfulRun.got, faithfulRun.err
	if err != nil {
		t.Fatalf("faithful fake: %v", err)
	}
	if len(faithful) == 0 {
		t.Fatal("faithful fake: the endpoint suite ran no scenario; is VPCONFORM_ENDPOINT honoured?")
	}
	for _, id := range sortedIDs(faithful) {
		o := faithful[id]
		switch {
		case o.failed():
			t.Errorf("faithful fake: %s %s: %s", id, o.state, o.failure)
		case len(o.deviations) > 0:
			t.Errorf("faithful fake: %s reported deviations: %s", id, strings.Join(o.deviations, "; "))
		}
	}
	for id := range catalogue {
		if _, ok := faithful[id]; !ok {
			t.Errorf("faithful fake: scenario %s is in the catalogue but not in the suite's report", id)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	var skipped []string
	for _, id := range sortedIDs(faithful) {
		if !faithful[id].clean() {
			skipped = append(skipped, id)
		}
	}
	t.Logf("faithful fake: %d scenarios, %d passed without a deviation, %d skipped (%s); %v so far",
		len(faithful), len(faithful)-len(skipped), len(skipped), strings.Join(skipped, ", "), time.Since(start).Round(time.Millisecond))

	// Each subtest queues its deviation's run in the pool of parallelRuns
	// workers that the variants' runs share, then pauses and, once the
	// run is done, judges it; so a -run pattern selecting some deviations
	// runs only theirs. The slowest runs start first, so that the other
	// runs fill the second slot meanwhile. (Ordering runs among paused
	// parallel subtests is impossible: go test resumes them in no set
	// order and itself lets only -test.parallel of them go; the queue,
	// filled in the order the subtests start, is ordered.)
	t.Run("deviation", func(t *testing.T) {
		for _, name := range runOrder(all) {
			d, _ := deviations.ByName(name)
			t.Run(d.Name, func(t *testing.T) {
				priority := priorityOther
				if slices.Contains(slowRuns, d.Name) {
					priority = prioritySlow
				}
				r := pool.start(&run{name: "deviation/" + d.Name, wrap: func(h http.Handler) http.Handler { return deviations.Wrap(h, d) },
					priority: priority, focus: focusOn(detectedBy[d.Name])})
				t.Parallel()
				<-r.done
				checkDetected(t, d, detectedBy[d.Name], r, faithful)
			})
		}
	})
	t.Logf("whole detection test: %v", time.Since(start).Round(time.Millisecond))
}

// slowRuns are the deviations whose runs take longest: the scenarios that
// catch them poll GetIdentitySource for a write that never shows, until
// specs.DefaultConsistencyTimeout, one after the other. They start first
// (their subtests come first, and prioritySlow puts them before the runs
// already waiting), so that the other runs fill the second slot meanwhile.
var slowRuns = []string{"stale-get-after-update", "update-ignored", "update-merges-configuration"}

// runOrder is the order the deviations' subtests, and so their runs, start
// in: slowRuns first, then the rest by name.
func runOrder(all []deviations.Deviation) []string {
	var order []string
	for _, name := range slowRuns {
		if _, ok := deviations.ByName(name); ok {
			order = append(order, name)
		}
	}
	for _, d := range all {
		if !slices.Contains(order, d.Name) {
			order = append(order, d.Name)
		}
	}
	return order
}

// run is one run of the suite against the fake behind a wrapper.
type run struct {
	// name names the run, such as "deviation/json-content-type"; it is also
	// its directory below the pool's.
	name string
	// wrap puts the deviation or variant in front of the fake; nil for the
	// faithful fake.
	wrap     func(http.Handler) http.Handler
	priority int
	// focus, when not empty, is a Ginkgo focus that runs only some
	// scenarios: a deviation's run needs only those of its DetectedBy.
	focus string
	// credentials runs the suite against a fake that verifies SigV4 and
	// knows an allowed and a denied key, so that the scenarios about
	// credentials run too. The deviations' runs go without: several of
	// them change requests on their way to the fake, which breaks the
	// signatures.
	credentials bool
	// done is closed once the run has finished.
	done chan struct{}
	got  map[string]outcome
	// report and markdown are the kit's conformance report of the run,
	// conformance.json decoded and conformance.md.
	report   specs.Conformance
	markdown string
	err      error
	took     time.Duration
}

// Priorities of runs in the pool: a run starts before every waiting run of
// a lower priority, after those of its own.
const (
	priorityOther = iota
	// prioritySlow is a deviation of slowRuns.
	prioritySlow
	// priorityFaithful is the faithful run, which the deviations' verdicts
	// wait for.
	priorityFaithful
)

// runPool runs the endpoint suite, built once, parallelRuns at a time, for
// TestDeviationsAreDetected and TestConformingVariantsPassCleanly: the
// deviations' runs and the variants' share its slots, so neither test
// leaves one idle while the other has runs waiting.
type runPool struct {
	root, bin, dir string

	mu      sync.Mutex
	waiting []*run
	wake    *sync.Cond
}

// shared is the build and the pool the run tests share; TestMain removes
// its directory.
var shared struct {
	once sync.Once
	dir  string
	pool *runPool
	err  error
}

// TestMain runs the tests, then removes the directory of the shared build
// and runs, which outlives any one test.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// endpointRuns builds the endpoint suite the first time it is called and
// returns the pool its runs go through.
func endpointRuns(t testing.TB) *runPool {
	t.Helper()
	shared.once.Do(func() {
		start := time.Now()
		root, err := specs.ModuleRoot()
		if err != nil {
			shared.err = err
			return
		}
		if shared.dir, err = os.MkdirTemp("", "vpconform-deviations-"); err != nil {
			shared.err = err
			return
		}
		bin, err := buildSuite(shared.dir, root)
		if err != nil {
			shared.err = err
			return
		}
		t.Logf("built %s in %v", endpointSuite, time.Since(start).Round(time.Millisecond))
		p := &runPool{root: root, bin: bin, dir: shared.dir}
		p.wake = sync.NewCond(&p.mu)
		for range parallelRuns {
			go p.work()
		}
		shared.pool = p
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.pool
}

// start queues r, a run of the suite described by its name, wrap,
// priority and credentials, and returns it; it starts after the waiting
// runs of its priority and higher, before those of lower priority.
func (p *runPool) start(r *run) *run {
	r.done = make(chan struct{})
	p.mu.Lock()
	i := 0
	for i < len(p.waiting) && p.waiting[i].priority >= r.priority {
		i++
	}
	p.waiting = slices.Insert(p.waiting, i, r)
	p.mu.Unlock()
	p.wake.Signal()
	return r
}

// work runs the waiting runs, one after the other, for ever.
func (p *runPool) work() {
	for {
		p.mu.Lock()
		for len(p.waiting) == 0 {
			p.wake.Wait()
		}
		r := p.waiting[0]
		p.waiting = p.waiting[1:]
		p.mu.Unlock()
		start := time.Now()
		r.err = runSuite(p.root, p.bin, filepath.Join(p.dir, filepath.FromSlash(r.name)), r)
		r.took = time.Since(start)
		close(r.done)
	}
}

// detectors returns the catalogue ids that d.DetectedBy names: each id as
// it is, each prefix ending in "*" as every id starting with it, sorted. It
// fails t for an entry that names no scenario of the catalogue.
func detectors(t *testing.T, d deviations.Deviation, catalogue map[string]bool) []string {
	t.Helper()
	var ids []string
	for _, entry := range d.DetectedBy {
		prefix, isPrefix := strings.CutSuffix(entry, "*")
		n := len(ids)
		for id := range catalogue {
			if id == entry || isPrefix && strings.HasPrefix(id, prefix) {
				ids = append(ids, id)
			}
		}
		if len(ids) == n {
			t.Errorf("deviation %s: DetectedBy names %q, which is no scenario of specs.Catalogue()", d.Name, entry)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// checkDetected asserts that every scenario of detectedBy (d's DetectedBy,
// expanded) that is clean against the faithful fake and ran against the
// fake wrapped in d failed or reported a deviation, and that the report's
// rows of those scenarios say what was expected and what came back, one of
// them as d.Shows says.
func checkDetected(t *testing.T, d deviations.Deviation, detectedBy []string, r *run, faithful map[string]outcome) {
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := r.got
	var detectors, ran, missed []string
	for _, id := range detectedBy {
		if !faithful[id].clean() {
			continue // skipped for the faithful fake: proves nothing
		}
		o, ok := got[id]
		if !ok || o.state == types.SpecStateSkipped || o.state == types.SpecStatePending {
			continue
		}
		ran = append(ran, id)
		if o.detected() {
			detectors = append(detectors, id)
		} else {
			missed = append(missed, id)
		}
	}
	var others []string
	for _, id := range sortedIDs(got) {
		if got[id].detected() && !slices.Contains(detectedBy, id) {
			others = append(others, id)
		}
	}
	if len(missed) > 0 {
		t.Errorf("%s: %d scenarios of DetectedBy passed without a deviation against it: %s", d.Name, len(missed), strings.Join(missed, ", "))
	}
	switch {
	case len(ran) == 0:
		t.Errorf("%s: none of its DetectedBy scenarios ran (%s)", d.Name, strings.Join(d.DetectedBy, ", "))
	case len(detectors) == 0:
		t.Errorf("%s went undetected: every scenario of DetectedBy passed without a deviation: %s", d.Name, strings.Join(ran, ", "))
	default:
		t.Logf("%s detected by %d scenarios: %s", d.Name, len(detectors), strings.Join(detectors, ", "))
		shows, err := regexp.Compile(d.Shows)
		if err != nil || d.Shows == "" {
			t.Errorf("%s: Shows %q is not a regular expression: %v", d.Name, d.Shows, err)
			shows = nil
		}
		shown := false
		for _, id := range detectors {
			o := got[id]
			t.Logf("  %s %s: %s", id, o.state, o.row)
			if !strings.Contains(o.row, "expected") || !strings.Contains(o.row, "got") {
				t.Errorf("%s: the report's row of %s does not say what was expected and what came back: %q", d.Name, id, o.row)
			}
			if shows != nil && shows.MatchString(o.row) {
				shown = true
			}
		}
		if !shown {
			t.Errorf("%s: no row of a detecting scenario matches %q, the expected and received values; the rows are logged above", d.Name, d.Shows)
		}
	}
	t.Logf("%s: %d other scenarios also caught it; run took %v", d.Name, len(others), r.took.Round(time.Millisecond))
}

// focusOn is the Ginkgo focus running exactly the scenarios ids: the text
// of each spec holds its id followed by ": ".
func focusOn(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = regexp.QuoteMeta(id + ": ")
	}
	return strings.Join(parts, "|")
}

// buildSuite compiles the endpoint suite's test binary into dir and
// returns its path.
func buildSuite(dir, root string) (string, error) {
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(endpointSuite))); err != nil {
		return "", fmt.Errorf("the endpoint suite %s is missing: %w", endpointSuite, err)
	}
	bin := filepath.Join(dir, "endpoint.test")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, endpointSuite)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go test -c %s: %w\n%s", endpointSuite, err, out)
	}
	return bin, nil
}

// The keys of the fake of a run with credentials (see run.credentials).
var (
	allowedKey = fake.Credential{AccessKeyID: "AKIDVPCONFORMALLOWED", SecretAccessKey: "vpconform-allowed-secret",
		Principal: "arn:aws:iam::123456789012:user/vpconform", Allow: []string{"verifiedpermissions:*"}}
	deniedKey = fake.Credential{AccessKeyID: "AKIDVPCONFORMDENIED", SecretAccessKey: "vpconform-denied-secret",
		Principal: "arn:aws:iam::123456789012:user/vpconform-denied", Allow: []string{"verifiedpermissions:ListIdentitySources"}}
)

// runSuite serves the fake behind r.wrap (the faithful fake for nil), with
// r.credentials, and runs the suite binary against it, not strict, with dir
// (created) for its reports, and sets r.got to what the reports say of each
// scenario, by id, and r.report and r.markdown to the kit's report.
func runSuite(root, bin, dir string, r *run) error {
	name, wrap := r.name, r.wrap
	var opts []fake.Option
	if r.credentials {
		opts = append(opts, fake.WithCredentials(allowedKey, deniedKey))
	}
	var h http.Handler = fake.NewServer(append(opts, fake.WithoutListener())...).Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	report := filepath.Join(dir, "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	args := []string{"-ginkgo.json-report=" + report, "-ginkgo.no-color", "-test.timeout=" + runTimeout.String()}
	if r.focus != "" {
		args = append(args, "-ginkgo.focus="+r.focus)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(root, filepath.FromSlash(endpointSuite))
	// No VPCONFORM_* or AWS_* variable of the caller's leaks in: not
	// strict, the default fixtures and dummy credentials, never a real
	// account's.
	cmd.Env = append(withoutEnv(os.Environ(), "VPCONFORM_", "AWS_"),
		specs.EndpointEnv+"="+srv.URL, specs.ReportDirEnv+"="+dir,
		// The fake is consistent at once, so reads that never show a write
		// are a deviation after a short wait rather than the default one.
		specs.ConsistencyTimeoutEnv+"="+detectConsistencyTimeout)
	if r.credentials {
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+allowedKey.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+allowedKey.SecretAccessKey,
			specs.DeniedAccessKeyIDEnv+"="+deniedKey.AccessKeyID, specs.DeniedSecretAccessKeyEnv+"="+deniedKey.SecretAccessKey)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return fmt.Errorf("%s: the suite did not finish within %v\n%s", name, runTimeout, tail(out.String()))
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		return fmt.Errorf("%s: no JSON report (suite: %v): %w\n%s", name, runErr, err, tail(out.String()))
	}
	var reports []types.Report
	if err := json.Unmarshal(raw, &reports); err != nil {
		return fmt.Errorf("%s: decode %s: %w", name, report, err)
	}
	got := map[string]outcome{}
	for _, r := range reports {
		if !r.SuiteSucceeded && r.SpecialSuiteFailureReasons != nil && len(r.SpecReports) == 0 {
			return fmt.Errorf("%s: the suite failed before any spec: %s\n%s", name, strings.Join(r.SpecialSuiteFailureReasons, "; "), tail(out.String()))
		}
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				if s.State.Is(types.SpecStateFailureStates) {
					return fmt.Errorf("%s: %s %s failed: %s", name, s.LeafNodeType, s.LeafNodeText, s.Failure.Message)
				}
				continue
			}
			id, _, _ := strings.Cut(s.LeafNodeText, ": ")
			o := outcome{state: s.State, failure: s.Failure.Message}
			for _, e := range s.ReportEntries {
				if e.Name == "deviation" {
					o.deviations = append(o.deviations, e.StringRepresentation())
				}
			}
			got[id] = o
		}
	}
	kit := filepath.Join(dir, "endpoint", "conformance.json")
	js, err := os.ReadFile(kit)
	if err != nil {
		return fmt.Errorf("%s: no conformance report: %w\n%s", name, err, tail(out.String()))
	}
	if err := json.Unmarshal(js, &r.report); err != nil {
		return fmt.Errorf("%s: decode %s: %w", name, kit, err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "endpoint", "conformance.md"))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.markdown = string(md)
	for _, sr := range r.report.Scenarios {
		if o, ok := got[sr.ID]; ok {
			o.row = sr.Differed
			got[sr.ID] = o
		}
	}
	r.got = got
	return nil
}

// detectConsistencyTimeout bounds the polling of reads after writes in the
// runs (see specs.ConsistencyTimeoutEnv). The fake, wrapped or not, is
// consistent at once: a read that does not show a write on its first
// attempt (which a polling loop makes whatever its timeout) never will,
// and every deviation that hides a write hides it for ever (none shows it
// late). So a longer wait changes no verdict, it only adds itself to each
// scenario that catches such a deviation, one after the other (the
// deviation update-ignored alone is caught by 14). Three polls at the
// default interval (specs.DefaultPollInterval, 100 ms) are enough.
const detectConsistencyTimeout = "300ms"

// withoutEnv returns env without the variables whose names start with one
// of prefixes.
func withoutEnv(env []string, prefixes ...string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			out = append(out, kv)
		}
	}
	return out
}

func sortedIDs(m map[string]outcome) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// tail returns the last lines of a run's output, for failure messages.
func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

package deviations_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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
// deviation, which at least one of the deviation's DetectedBy scenarios must
// catch: by failing, or for an evidence-I behaviour by reporting a
// deviation.
func TestDeviationsAreDetected(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the endpoint suite and runs it once per deviation; not in -short")
	}
	catalogue := map[string]bool{}
	for _, sc := range specs.Catalogue() {
		catalogue[sc.ID] = true
	}
	all := deviations.All()
	for _, d := range all {
		for _, id := range d.DetectedBy {
			if !catalogue[id] {
				t.Errorf("deviation %s: DetectedBy names %q, which is not a scenario of specs.Catalogue()", d.Name, id)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	start := time.Now()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := buildSuite(t, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s in %v", endpointSuite, time.Since(start).Round(time.Millisecond))

	faithful, err := runSuite(root, bin, filepath.Join(t.TempDir(), "faithful"), deviations.Deviation{})
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

	// The runs go in a pool of parallelRuns workers, slowest first, so
	// the other runs fill the second slot meanwhile; the subtests, one per
	// deviation, each wait for their run and judge it. (Ordering runs
	// among paused parallel subtests is impossible: go test resumes them in
	// no set order and itself lets only -test.parallel of them go.)
	runs := startRuns(root, bin, t.TempDir(), runOrder(all))
	t.Run("deviation", func(t *testing.T) {
		for _, d := range all {
			t.Run(d.Name, func(t *testing.T) {
				t.Parallel()
				r := runs[d.Name]
				<-r.done
				checkDetected(t, d, r, faithful)
			})
		}
	})
	t.Logf("whole detection test: %v", time.Since(start).Round(time.Millisecond))
}

// slowRuns are the deviations whose runs take longest: the scenarios that
// catch them poll GetIdentitySource for a write that never shows, until
// specs.DefaultConsistencyTimeout, one after the other. They start first,
// so that the other runs fill the second slot meanwhile.
var slowRuns = []string{"stale-get-after-update", "update-merges-configuration"}

// runOrder is the order the deviations' runs start in: slowRuns first,
// then the rest by name.
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

// run is one run of the suite against a deviation.
type run struct {
	// done is closed once the run has finished.
	done chan struct{}
	got  map[string]outcome
	err  error
	took time.Duration
}

// startRuns starts, in order and parallelRuns at a time, one run of the
// suite per deviation named, each with its own server and its own
// directory under dir, and returns them by name.
func startRuns(root, bin, dir string, order []string) map[string]*run {
	runs := map[string]*run{}
	for _, name := range order {
		runs[name] = &run{done: make(chan struct{})}
	}
	queue := make(chan string, len(order))
	for _, name := range order {
		queue <- name
	}
	close(queue)
	for range parallelRuns {
		go func() {
			for name := range queue {
				r := runs[name]
				d, _ := deviations.ByName(name)
				start := time.Now()
				r.got, r.err = runSuite(root, bin, filepath.Join(dir, name), d)
				r.took = time.Since(start)
				close(r.done)
			}
		}()
	}
	return runs
}

// checkDetected runs the suite against the fake wrapped in d and asserts
// that a scenario of d.DetectedBy that is clean against the faithful fake
// fails or reports a deviation.
func checkDetected(t *testing.T, d deviations.Deviation, r *run, faithful map[string]outcome) {
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := r.got
	var detectors, ran []string
	for _, id := range d.DetectedBy {
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
		}
	}
	var others []string
	for _, id := range sortedIDs(got) {
		if got[id].detected() && !slices.Contains(d.DetectedBy, id) {
			others = append(others, id)
		}
	}
	switch {
	case len(ran) == 0:
		t.Errorf("%s: none of its DetectedBy scenarios ran (%s)", d.Name, strings.Join(d.DetectedBy, ", "))
	case len(detectors) == 0:
		t.Errorf("%s went undetected: every scenario of DetectedBy passed without a deviation: %s", d.Name, strings.Join(ran, ", "))
	default:
		t.Logf("%s detected by %s", d.Name, strings.Join(detectors, ", "))
		for _, id := range detectors {
			o := got[id]
			if o.failed() {
				t.Logf("  %s %s: %s", id, o.state, firstLine(o.failure))
			} else {
				t.Logf("  %s deviation: %s", id, strings.Join(o.deviations, "; "))
			}
		}
	}
	t.Logf("%s: %d other scenarios also caught it; run took %v", d.Name, len(others), r.took.Round(time.Millisecond))
}

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// buildSuite compiles the endpoint suite's test binary into a temporary
// directory and returns its path.
func buildSuite(t *testing.T, root string) (string, error) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(endpointSuite))); err != nil {
		return "", fmt.Errorf("the endpoint suite %s is missing: %w", endpointSuite, err)
	}
	bin := filepath.Join(t.TempDir(), "endpoint.test")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, endpointSuite)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go test -c %s: %w\n%s", endpointSuite, err, out)
	}
	return bin, nil
}

// runSuite serves the fake wrapped in d (the faithful fake for a zero
// Deviation) and runs the suite binary against it, not strict, with dir
// (created) for its reports, and returns what the JSON report says of each
// scenario, by id.
func runSuite(root, bin, dir string, d deviations.Deviation) (map[string]outcome, error) {
	name := d.Name
	if name == "" {
		name = "faithful"
	}
	srv := httptest.NewServer(deviations.Wrap(fake.NewServer(fake.WithoutListener()).Handler(), d))
	defer srv.Close()

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	report := filepath.Join(dir, "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.json-report="+report, "-ginkgo.no-color", "-test.timeout="+runTimeout.String())
	cmd.Dir = filepath.Join(root, filepath.FromSlash(endpointSuite))
	// No VPCONFORM_* or AWS_* variable of the caller's leaks in: not
	// strict, the default fixtures and dummy credentials, never a real
	// account's.
	cmd.Env = append(withoutEnv(os.Environ(), "VPCONFORM_", "AWS_"),
		specs.EndpointEnv+"="+srv.URL, specs.ReportDirEnv+"="+dir,
		// The fake is consistent at once, so reads that never show a write
		// are a deviation after a short wait rather than the default one.
		specs.ConsistencyTimeoutEnv+"="+detectConsistencyTimeout)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: the suite did not finish within %v\n%s", name, runTimeout, tail(out.String()))
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("%s: no JSON report (suite: %v): %w\n%s", name, runErr, err, tail(out.String()))
	}
	var reports []types.Report
	if err := json.Unmarshal(raw, &reports); err != nil {
		return nil, fmt.Errorf("%s: decode %s: %w", name, report, err)
	}
	got := map[string]outcome{}
	for _, r := range reports {
		if !r.SuiteSucceeded && r.SpecialSuiteFailureReasons != nil && len(r.SpecReports) == 0 {
			return nil, fmt.Errorf("%s: the suite failed before any spec: %s\n%s", name, strings.Join(r.SpecialSuiteFailureReasons, "; "), tail(out.String()))
		}
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt {
				if s.State.Is(types.SpecStateFailureStates) {
					return nil, fmt.Errorf("%s: %s %s failed: %s", name, s.LeafNodeType, s.LeafNodeText, s.Failure.Message)
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
	return got, nil
}

// detectConsistencyTimeout bounds the polling of reads after writes in the
// detection runs (see specs.ConsistencyTimeoutEnv).
const detectConsistencyTimeout = "2s"

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

package specs

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"
)

// syntheticSpec is the report of a scenario spec as Register makes it: the
// operation label is the id's first segment.
func syntheticSpec(id, evidence string, state types.SpecState, target string, failure string, deviations ...string) types.SpecReport {
	op, _, _ := strings.Cut(id, "/")
	sr := types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             id + ": " + op + " MUST do it.",
		ContainerHierarchyLabels: [][]string{{"vpconform"}, {}},
		LeafNodeLabels:           []string{"op:" + op, "evidence:" + evidence},
		State:                    state,
		Failure:                  types.Failure{Message: failure},
	}
	if target != "" {
		sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: targetEntry, Value: types.WrapEntryValue(target)})
	}
	for _, d := range deviations {
		sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: "deviation", Value: types.WrapEntryValue(deviation{Target: target, ScenarioID: id, Message: d}.String())})
	}
	return sr
}

// withCause adds the report entry causeEntry to a spec report.
func withCause(sr types.SpecReport, cause string) types.SpecReport {
	sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: causeEntry, Value: types.WrapEntryValue(cause)})
	return sr
}

// Real Gomega failure messages, for the synthetic reports.
var (
	// statusMessage is the message of a failed Equal on an HTTP status.
	statusMessage = func(t *testing.T, got, want int) string {
		return gomegaFailure(t, func(g gomega.Gomega) {
			g.Expect(got).To(gomega.Equal(want), "HTTP status of the GetIdentitySource answer (ResourceNotFoundException)")
		})
	}
	// notListedMessage is the message of an Eventually that timed out
	// waiting for an identity source id to be listed.
	notListedMessage = func(t *testing.T, id string, timeout time.Duration) string {
		return gomegaFailure(t, func(g gomega.Gomega) {
			g.Eventually(func() error { return fmt.Errorf("identity source %s not listed", id) }).
				WithTimeout(timeout).WithPolling(10*time.Millisecond).Should(gomega.Succeed(), "ListIdentitySources lists the new identity source")
		})
	}
)

// syntheticReport is a suite report over two targets: t1 with every kind of
// result, t2/delayed with a timed-out scenario, and a spec that reached
// no target (reported for "unknown", as there are two targets).
func syntheticReport(t *testing.T) types.Report {
	return types.Report{
		SuiteDescription: "vpconform: synthetic",
		SuitePath:        "/work/suites/synthetic",
		SuiteSucceeded:   false,
		StartTime:        time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		SpecReports: types.SpecReports{
			syntheticSpec("GetIdentitySource/A/Passes", "M", types.SpecStatePassed, "t1", ""),
			syntheticSpec("GetIdentitySource/B/Fails", "M", types.SpecStateFailed, "t1", statusMessage(t, 400, 404)),
			syntheticSpec("GetIdentitySource/C/Deviates", "I", types.SpecStatePassed, "t1", "", "discoveryUrl differs"),
			syntheticSpec("GetIdentitySource/D/Skipped", "M", types.SpecStateSkipped, "t1", `target "t1" lacks capability "fault-injection", which GetIdentitySource/D/Skipped needs: add specs.FaultInjection to Target.Capabilities`),
			syntheticSpec("GetIdentitySource/E/Filtered", "M", types.SpecStateSkipped, "", ""),
			withCause(syntheticSpec("UpdateIdentitySource/A/Rejected", "D", types.SpecStateFailed, "t1", "the update: expected UpdateIdentitySource to succeed, got HTTP 400 InvalidAction: no such action"),
				"UpdateIdentitySource answers HTTP 400 InvalidAction"),
			withCause(syntheticSpec("UpdateIdentitySource/B/Rejected", "M", types.SpecStateFailed, "t1", "setup: expected UpdateIdentitySource to succeed, got HTTP 400 InvalidAction: nope", "clientIds kept"),
				"UpdateIdentitySource answers HTTP 400 InvalidAction"),
			syntheticSpec("ListIdentitySources/A/Lists", "O", types.SpecStateFailed, "t1", notListedMessage(t, "ISa1b2c3d4e5f6g7h8i9", 20*time.Millisecond)),
			syntheticSpec("ListIdentitySources/B/ListsToo", "O", types.SpecStateFailed, "t1", notListedMessage(t, "ISz9y8x7w6v5u4t3s2r1", 30*time.Millisecond)),
			syntheticSpec("ListIdentitySources/C/Schema", "M", types.SpecStateFailed, "t1",
				"schema violations in the recorded exchanges:\n  - exchange 2 (ListIdentitySources) response: at '/identitySources/0': missing property 'details'\n  - exchange 3 (GetIdentitySource) response: at '': missing property 'policyStoreId'\n"),
			syntheticSpec("UpdateIdentitySource/C/Other", "O", types.SpecStateTimedout, "t2/delayed", ""),
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "not a scenario", State: types.SpecStateFailed},
		},
	}
}

// target returns the report of the named target.
func target(t *testing.T, cs []Conformance, name string) Conformance {
	t.Helper()
	for _, c := range cs {
		if c.Target == name {
			return c
		}
	}
	t.Fatalf("no report of target %q in %+v", name, cs)
	return Conformance{}
}

// TestConformancesCausesAndOperations: failed scenarios are grouped by
// their recorded cause, else by their failure line with the volatile
// values masked, the largest group first and ties by cause text; the
// counts per operation come from the op: labels.
func TestConformancesCausesAndOperations(t *testing.T) {
	cs := Conformances(syntheticReport(t))
	// With two targets, a spec that reached none is reported for "unknown".
	if len(cs) != 3 || cs[0].Target != "t1" || cs[1].Target != "t2/delayed" || cs[2].Target != "unknown" {
		t.Fatalf("Conformances targets: %+v", cs)
	}
	t1 := cs[0]
	if t1.Summary != (ConformanceSummary{Passed: 2, Failed: 6, Skipped: 1, Deviations: 2}) {
		t.Errorf("t1 summary %+v", t1.Summary)
	}
	want := []Cause{
		{Cause: "ListIdentitySources lists the new identity source (timed out after <duration>): identity source <id> not listed", Count: 2,
			Scenarios: []string{"ListIdentitySources/A/Lists", "ListIdentitySources/B/ListsToo"}},
		{Cause: "UpdateIdentitySource answers HTTP 400 InvalidAction", Count: 2,
			Scenarios: []string{"UpdateIdentitySource/A/Rejected", "UpdateIdentitySource/B/Rejected"}},
		{Cause: "HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400", Count: 1,
			Scenarios: []string{"GetIdentitySource/B/Fails"}},
		{Cause: "schema violations in the recorded exchanges: exchange <n> (ListIdentitySources) response: at '/identitySources/0': missing property 'details'; exchange <n> (GetIdentitySource) response: at '': missing property 'policyStoreId'", Count: 1,
			Scenarios: []string{"ListIdentitySources/C/Schema"}},
	}
	if fmt.Sprint(t1.Causes) != fmt.Sprint(want) {
		t.Errorf("t1 causes:\n%+v\nwant\n%+v", t1.Causes, want)
	}
	wantOps := []OperationSummary{
		{Operation: "GetIdentitySource", Passed: 2, Failed: 1, Skipped: 1, Deviations: 1},
		{Operation: "ListIdentitySources", Failed: 3},
		{Operation: "UpdateIdentitySource", Failed: 2, Deviations: 1},
	}
	if fmt.Sprint(t1.Operations) != fmt.Sprint(wantOps) {
		t.Errorf("t1 operations:\n%+v\nwant\n%+v", t1.Operations, wantOps)
	}
	for _, r := range t1.Scenarios {
		switch {
		case r.ID == "GetIdentitySource/B/Fails":
			if r.Operation != "GetIdentitySource" || r.Differed != "HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400" || r.Cause != r.Differed {
				t.Errorf("%s: %+v", r.ID, r)
			}
		case r.ID == "ListIdentitySources/A/Lists":
			if !strings.Contains(r.Differed, "ISa1b2c3d4e5f6g7h8i9 not listed") || !strings.Contains(r.Cause, "<id> not listed") {
				t.Errorf("%s: the failure line keeps the id, the cause masks it: %+v", r.ID, r)
			}
		case r.ID == "UpdateIdentitySource/A/Rejected":
			if r.Differed != "the update: expected UpdateIdentitySource to succeed, got HTTP 400 InvalidAction: no such action" || r.Cause != "UpdateIdentitySource answers HTTP 400 InvalidAction" {
				t.Errorf("%s: %+v", r.ID, r)
			}
		case r.Result != ResultFailed && r.Cause != "":
			t.Errorf("%s %s has a cause: %+v", r.ID, r.Result, r)
		}
	}
	t2 := cs[1]
	if t2.Summary != (ConformanceSummary{Failed: 1}) || len(t2.Causes) != 1 || t2.Causes[0].Cause != "timedout" || t2.Causes[0].Count != 1 {
		t.Errorf("t2: %+v", t2)
	}
	if r := t2.Scenarios[0]; r.Differed != "timedout" || r.Cause != "timedout" || r.Evidence != "O" {
		t.Errorf("t2 scenario: %+v", r)
	}
	if u := cs[2]; len(u.Causes) != 0 || u.Causes == nil || len(u.Operations) != 1 || u.Operations[0] != (OperationSummary{Operation: "GetIdentitySource", Skipped: 1}) {
		t.Errorf("unknown: %+v", u)
	}
}

// TestConformanceCauseTiesAndPanics: causes with as many scenarios are
// ordered by text; a panic's value reaches the failure line; a spec that
// timed out says what failed next.
func TestConformanceCauseTiesAndPanics(t *testing.T) {
	panicked := syntheticSpec("GetIdentitySource/P/Panics", "M", types.SpecStatePanicked, "t", "Test Panicked")
	panicked.Failure.ForwardedPanic = "runtime error: invalid memory address or nil pointer dereference"
	timedOut := syntheticSpec("GetIdentitySource/T/TimesOut", "M", types.SpecStateTimedout, "t", "A spec timeout occurred")
	timedOut.AdditionalFailures = []types.AdditionalFailure{{State: types.SpecStateFailed, Failure: types.Failure{Message: notListedMessage(t, "IS0000aaaa1111bbbb22", 10*time.Millisecond)}}}
	c := Conformances(types.Report{SpecReports: types.SpecReports{
		withCause(syntheticSpec("GetIdentitySource/Z/B", "M", types.SpecStateFailed, "t", "x"), "b cause"),
		withCause(syntheticSpec("GetIdentitySource/Z/A", "M", types.SpecStateFailed, "t", "x"), "a cause"),
		panicked, timedOut,
	}})[0]
	var got []string
	for _, cs := range c.Causes {
		got = append(got, cs.Cause)
	}
	want := []string{
		"A spec timeout occurred; then: ListIdentitySources lists the new identity source (timed out after <duration>): identity source <id> not listed",
		"Test Panicked: runtime error: invalid memory address or nil pointer dereference",
		"a cause", "b cause",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("causes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMarkdownSections: the sections of conformance.md, in order, with the
// summary line as the third line.
func TestMarkdownSections(t *testing.T) {
	md := target(t, Conformances(syntheticReport(t)), "t1").markdown()
	lines := strings.Split(md, "\n")
	if lines[0] != "# vpconform conformance: t1 (2026-05-01)" || lines[2] != "9 scenarios: 2 passed, 6 failed, 1 skipped; 2 deviations. Suite: vpconform: synthetic." {
		t.Errorf("the first lines:\n%s", strings.Join(lines[:3], "\n"))
	}
	// Each section after the one before.
	at := 0
	for _, s := range []string{
		"## Failures by cause\n\n",
		"- **ListIdentitySources lists the new identity source (timed out after \\<duration>): identity source \\<id> not listed**: 2 scenarios: `ListIdentitySources/A/Lists`, `ListIdentitySources/B/ListsToo`\n",
		"- **UpdateIdentitySource answers HTTP 400 InvalidAction**: 2 scenarios: `UpdateIdentitySource/A/Rejected`, `UpdateIdentitySource/B/Rejected`\n",
		"- **HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400**: 1 scenarios: `GetIdentitySource/B/Fails`\n",
		"## Per operation\n\n| operation | passed | failed | skipped | deviations |\n|---|--:|--:|--:|--:|\n",
		"| GetIdentitySource | 2 | 1 | 1 | 1 |\n| ListIdentitySources | 0 | 3 | 0 | 0 |\n| UpdateIdentitySource | 0 | 2 | 0 | 1 |\n",
		"## Failed scenarios\n\n| scenario | evidence | expected and got |\n|---|---|---|\n",
		"| `GetIdentitySource/B/Fails` | M | HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400 |\n",
		"| `ListIdentitySources/A/Lists` | O | ListIdentitySources lists the new identity source (timed out after ",
		"s): identity source ISa1b2c3d4e5f6g7h8i9 not listed |\n",
		"| `UpdateIdentitySource/A/Rejected` | D | the update: expected UpdateIdentitySource to succeed, got HTTP 400 InvalidAction: no such action |\n",
		"## Deviations (advisory)\n\n| scenario | evidence | deviation |\n|---|---|---|\n",
		"| `GetIdentitySource/C/Deviates` | I | discoveryUrl differs |\n| `UpdateIdentitySource/B/Rejected` | M | clientIds kept |\n",
		"## Skipped\n\n| scenario | how to enable |\n|---|---|\n",
		"| `GetIdentitySource/D/Skipped` | target \"t1\" lacks capability \"fault-injection\", which GetIdentitySource/D/Skipped needs: add specs.FaultInjection to Target.Capabilities |\n",
		"## All scenarios\n\n| scenario | result | evidence | what differed |\n|---|---|---|---|\n",
		"| `GetIdentitySource/A/Passes` | passed | M |  |\n",
		"| `GetIdentitySource/C/Deviates` | passed | I | discoveryUrl differs |\n",
	} {
		i := strings.Index(md[at:], s)
		if i < 0 {
			t.Fatalf("conformance.md lacks %q after byte %d:\n%s", s, at, md)
		}
		at += i + len(s)
	}
	if strings.Contains(md, "not a scenario") || strings.Contains(md, "did not run") || strings.Contains(md, "No failures.") {
		t.Errorf("conformance.md has what it should not:\n%s", md)
	}

	// The filtered-out scenario of "unknown"; nothing failed.
	md = target(t, Conformances(syntheticReport(t)), "unknown").markdown()
	for _, s := range []string{"\n\nNo failures.\n\n## Per operation\n", "## Skipped\n\n1 scenarios did not run: filtered out"} {
		if !strings.Contains(md, s) {
			t.Errorf("conformance.md of unknown lacks %q:\n%s", s, md)
		}
	}
	for _, s := range []string{"## Failures by cause", "## Failed scenarios", "## Deviations", "| scenario | how to enable |"} {
		if strings.Contains(md, s) {
			t.Errorf("conformance.md of unknown has %q:\n%s", s, md)
		}
	}
}

// TestMarkdownDeviationsWithoutFailures: the deviations have their
// section whether or not anything failed.
func TestMarkdownDeviationsWithoutFailures(t *testing.T) {
	c := Conformances(types.Report{SuiteDescription: "s", SpecReports: types.SpecReports{
		syntheticSpec("GetIdentitySource/C/Deviates", "I", types.SpecStatePassed, "t", "", "discoveryUrl differs", "issuer <none> | *x*"),
	}})[0]
	md := c.markdown()
	for _, s := range []string{"No failures.", "## Deviations (advisory)", "| `GetIdentitySource/C/Deviates` | I | issuer \\<none> \\| \\*x\\* |"} {
		if !strings.Contains(md, s) {
			t.Errorf("conformance.md lacks %q:\n%s", s, md)
		}
	}
}

// TestWriteReportTo: each target's directory holds conformance.md,
// conformance.json (causes and operations before scenarios), summary.txt
// and junit.xml (that target's scenarios only).
func TestWriteReportTo(t *testing.T) {
	t.Setenv(JUnitEnv, "")
	report := syntheticReport(t)
	dir := t.TempDir()
	paths, err := writeReportTo(dir, report)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, sub := range []string{"t1", "t2-delayed", "unknown"} {
		for _, f := range []string{"conformance.json", "conformance.md", "junit.xml", "summary.txt"} {
			want = append(want, filepath.Join(dir, sub, f))
		}
	}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Errorf("paths %v, want %v", paths, want)
	}

	b, err := os.ReadFile(filepath.Join(dir, "t1", "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	if c, o, s := strings.Index(js, "\n  \"causes\":"), strings.Index(js, "\n  \"operations\":"), strings.Index(js, "\n  \"scenarios\":"); c < 0 || c > o || o > s {
		t.Errorf("conformance.json: causes, operations, scenarios at %d, %d, %d:\n%s", c, o, s, js)
	}
	for _, s := range []string{
		`"cause": "UpdateIdentitySource answers HTTP 400 InvalidAction",` + "\n      \"count\": 2,\n      \"scenarios\": [",
		`"operation": "ListIdentitySources",` + "\n      \"passed\": 0,\n      \"failed\": 3,",
		`"operation": "GetIdentitySource",` + "\n      \"result\": \"failed\",",
		`"cause": "HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400"`,
	} {
		if !strings.Contains(js, s) {
			t.Errorf("conformance.json lacks %q:\n%s", s, js)
		}
	}
	var c Conformance
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.Causes) != fmt.Sprint(target(t, Conformances(report), "t1").Causes) || len(c.Operations) != 3 {
		t.Errorf("conformance.json decodes to %+v", c)
	}
	b, err = os.ReadFile(filepath.Join(dir, "t2-delayed", "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	c = Conformance{}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Target != "t2/delayed" || len(c.Scenarios) != 1 || c.Scenarios[0].Result != ResultFailed || c.Scenarios[0].Differed != "timedout" || c.Scenarios[0].Evidence != "O" {
		t.Errorf("conformance.json: %+v", c)
	}
	b, err = os.ReadFile(filepath.Join(dir, "unknown", "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"causes": [],`) {
		t.Errorf("conformance.json without failures has no empty causes:\n%s", b)
	}

	md, err := os.ReadFile(filepath.Join(dir, "t1", "conformance.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(md) != target(t, Conformances(report), "t1").markdown() {
		t.Errorf("conformance.md is not markdown()")
	}
	sum, err := os.ReadFile(filepath.Join(dir, "t1", "summary.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(sum) != target(t, Conformances(report), "t1").Text() {
		t.Errorf("summary.txt is not Text():\n%s", sum)
	}

	// junit.xml: Ginkgo's JUnit report of t1's scenarios only.
	b, err = os.ReadFile(filepath.Join(dir, "t1", "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatalf("junit.xml: %v\n%s", err, b)
	}
	if len(suites.TestSuites) != 1 || suites.Tests != 9 || suites.Failures != 6 || suites.TestSuites[0].Name != "vpconform: synthetic" {
		t.Errorf("junit.xml: %d suites, %d tests, %d failures:\n%s", len(suites.TestSuites), suites.Tests, suites.Failures, b)
	}
	if !strings.Contains(string(b), "GetIdentitySource/B/Fails") || strings.Contains(string(b), "UpdateIdentitySource/C/Other") || strings.Contains(string(b), "not a scenario") {
		t.Errorf("junit.xml of t1 holds other specs:\n%s", b)
	}
}

// TestWriteReportToWithoutJUnit: VPCONFORM_JUNIT=0 leaves junit.xml out,
// and removes an earlier one.
func TestWriteReportToWithoutJUnit(t *testing.T) {
	t.Setenv(JUnitEnv, "0")
	dir := t.TempDir()
	writeEarlierReport(t, dir, "t", "s")
	paths, err := writeReportTo(dir, types.Report{SpecReports: types.SpecReports{syntheticSpec("GetIdentitySource/A/Passes", "M", types.SpecStatePassed, "t", "")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 || strings.Contains(strings.Join(paths, ","), "junit") {
		t.Errorf("paths %v", paths)
	}
	if _, err := os.Stat(filepath.Join(dir, "t", "junit.xml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the earlier junit.xml is still there (%v)", err)
	}
}

// TestConformanceText: the summary for the terminal and summary.txt.
func TestConformanceText(t *testing.T) {
	got := target(t, Conformances(syntheticReport(t)), "t1").Text()
	want := `vpconform: t1: 9 scenarios: 2 passed, 6 failed, 1 skipped; 2 deviations. Suite: vpconform: synthetic.
vpconform: t1: 2 × ListIdentitySources lists the new identity source (timed out after <duration>): identity source <id> not listed
vpconform: t1: 2 × UpdateIdentitySource answers HTTP 400 InvalidAction
vpconform: t1: 1 × HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400
vpconform: t1: 1 × schema violations in the recorded exchanges: exchange <n> (ListIdentitySources) response: at '/identitySources/0': missing property 'details'; exchange <n> (GetIdentitySource) response: at '': missing property 'policyStoreId'
vpconform: t1: operation             passed  failed  skipped  deviations
vpconform: t1: GetIdentitySource     2       1       1        1
vpconform: t1: ListIdentitySources   0       3       0        0
vpconform: t1: UpdateIdentitySource  0       2       0        1
`
	if got != want {
		t.Errorf("Text:\n%s\nwant\n%s", got, want)
	}
	if got := target(t, Conformances(syntheticReport(t)), "unknown").Text(); !strings.Contains(got, "vpconform: unknown: no failures\n") {
		t.Errorf("Text without failures:\n%s", got)
	}
}

// captureStdout runs f with os.Stdout going to a pipe, and returns what f
// printed.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stdout = saved }()
	f()
	os.Stdout = saved
	_ = w.Close()
	return <-done
}

// TestWriteReportPrintsAndAppendsStepSummary: WriteReport prints the paths,
// then each target's summary as its last lines, and appends the causes and
// the table per operation to $GITHUB_STEP_SUMMARY.
func TestWriteReportPrintsAndAppendsStepSummary(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(ReportDirEnv, dir)
	t.Setenv(JUnitEnv, "")
	step := filepath.Join(t.TempDir(), "step-summary.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(StepSummaryEnv, step)
	report := syntheticReport(t)
	var err error
	out := captureStdout(t, func() { err = WriteReport(report) })
	if err != nil {
		t.Fatal(err)
	}
	cs := Conformances(report)
	wrote := strings.LastIndex(out, "vpconform: wrote "+filepath.Join(dir, "unknown", "summary.txt")+"\n")
	var tail string
	for _, c := range cs {
		tail += "\n" + c.Text()
	}
	if wrote < 0 || !strings.HasSuffix(out, tail) || !strings.Contains(out, "vpconform: wrote "+filepath.Join(dir, "t1", "junit.xml")+"\n") {
		t.Errorf("WriteReport printed:\n%s\nwant the paths, then:\n%s", out, tail)
	}
	b, err := os.ReadFile(step)
	if err != nil {
		t.Fatal(err)
	}
	at := 0
	for _, s := range []string{
		"earlier step\n",
		"### vpconform conformance: t1 (2026-05-01)\n\n9 scenarios: 2 passed, 6 failed, 1 skipped; 2 deviations. Suite: vpconform: synthetic.\n\n",
		"#### Failures by cause\n\n- **ListIdentitySources lists the new identity source",
		"- **UpdateIdentitySource answers HTTP 400 InvalidAction**: 2 scenarios: `UpdateIdentitySource/A/Rejected`, `UpdateIdentitySource/B/Rejected`\n",
		"#### Per operation\n\n| operation | passed | failed | skipped | deviations |\n",
		"| UpdateIdentitySource | 0 | 2 | 0 | 1 |\n",
		"### vpconform conformance: t2/delayed (2026-05-01)",
		"### vpconform conformance: unknown (2026-05-01)",
		"No failures.\n\n#### Per operation\n",
	} {
		i := strings.Index(string(b[at:]), s)
		if i < 0 {
			t.Fatalf("%s lacks %q after byte %d:\n%s", StepSummaryEnv, s, at, b)
		}
		at += i + len(s)
	}
	if strings.Contains(string(b), "## All scenarios") || strings.Contains(string(b), "## Failed scenarios") {
		t.Errorf("%s holds more than the causes and operations:\n%s", StepSummaryEnv, b)
	}
}

// writeEarlierReport writes the report files of an earlier run of suite
// into dir/sub.
func writeEarlierReport(t *testing.T, dir, sub, suite string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(Conformance{Target: sub, Suite: suite})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range reportFiles {
		content := []byte("150 scenarios: 150 passed, 0 failed, 0 skipped; 0 deviations. Suite: " + suite + ".\n")
		if f == "conformance.json" {
			content = js
		}
		if err := os.WriteFile(filepath.Join(dir, sub, f), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWriteReportNotStarted: when a BeforeSuite failed, WriteReport writes
// no report, removes the earlier reports of the same suite (and only
// those), prints why and returns an error wrapping ErrRunNotStarted.
func TestWriteReportNotStarted(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(ReportDirEnv, dir)
	step := filepath.Join(t.TempDir(), "step-summary.md")
	t.Setenv(StepSummaryEnv, step)
	const suite = "vpconform: endpoint"
	writeEarlierReport(t, dir, "endpoint", suite)
	writeEarlierReport(t, dir, "fake", "vpconform: fake")

	unreachable := gomegaFailure(t, func(g gomega.Gomega) {
		g.Expect(fmt.Errorf("specs: cannot reach VPCONFORM_ENDPOINT=http://127.0.0.1:1: %w", errors.New("connect: connection refused"))).
			NotTo(gomega.HaveOccurred(), "the endpoint target")
	})
	report := types.Report{
		SuiteDescription: suite,
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: unreachable}},
			{LeafNodeType: types.NodeTypeReportAfterSuite, LeafNodeText: "vpconform conformance report", State: types.SpecStatePassed},
		},
	}
	var err error
	out := captureStdout(t, func() { err = WriteReport(report) })
	if !errors.Is(err, ErrRunNotStarted) {
		t.Fatalf("WriteReport = %v, want ErrRunNotStarted", err)
	}
	const reason = "BeforeSuite failed: the endpoint target: unexpected error: specs: cannot reach VPCONFORM_ENDPOINT=http://127.0.0.1:1: connect: connection refused"
	if want := "no conformance report: the run could not start: " + reason; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !strings.HasSuffix(out, "\nvpconform: no conformance report: the run could not start: "+reason+"\n") ||
		!strings.Contains(out, "vpconform: removed the earlier report "+filepath.Join(dir, "endpoint", "conformance.md")+"\n") ||
		strings.Contains(out, "passed") {
		t.Errorf("WriteReport printed:\n%s", out)
	}
	for _, f := range reportFiles {
		if _, err := os.Stat(filepath.Join(dir, "endpoint", f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("endpoint/%s is still there (%v)", f, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "fake", f)); err != nil {
			t.Errorf("fake/%s, of another suite, is gone: %v", f, err)
		}
	}
	b, err := os.ReadFile(step)
	if err != nil {
		t.Fatal(err)
	}
	if want := "### vpconform: vpconform: endpoint\n\n**No conformance report**: no conformance report: the run could not start: " + reason + "\n\n"; string(b) != want {
		t.Errorf("%s:\n%s\nwant\n%s", StepSummaryEnv, b, want)
	}
}

// TestNotStarted: a run started when a scenario reached a target, even to
// be skipped there; it did not when a BeforeSuite failed, or when every
// scenario was filtered out, or when there was none.
func TestNotStarted(t *testing.T) {
	filtered := syntheticSpec("GetIdentitySource/E/Filtered", "M", types.SpecStateSkipped, "", "")
	for _, tc := range []struct {
		name string
		srs  types.SpecReports
		want string
	}{
		{"passed", types.SpecReports{filtered, syntheticSpec("GetIdentitySource/A/Passes", "M", types.SpecStatePassed, "t", "")}, ""},
		{"skipped by the target", types.SpecReports{syntheticSpec("GetIdentitySource/D/Skipped", "M", types.SpecStateSkipped, "t", "lacks")}, ""},
		{"failed before reaching the target", types.SpecReports{syntheticSpec("GetIdentitySource/B/Fails", "M", types.SpecStatePanicked, "", "Test Panicked")}, ""},
		{"all filtered out", types.SpecReports{filtered, filtered}, "no scenario ran (all 2 were filtered out or skipped before reaching the target)"},
		{"none", types.SpecReports{{LeafNodeType: types.NodeTypeIt, LeafNodeText: "not a scenario", State: types.SpecStatePassed}}, "no scenario ran (the suite holds none: does it call specs.Register?)"},
		{"SynchronizedBeforeSuite", types.SpecReports{{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateTimedout}}, "SynchronizedBeforeSuite failed: timedout"},
	} {
		if got := notStarted(types.Report{SpecReports: tc.srs}); got != tc.want {
			t.Errorf("%s: notStarted = %q, want %q", tc.name, got, tc.want)
		}
	}
	dir := t.TempDir()
	if paths, err := writeReportTo(dir, types.Report{SpecReports: types.SpecReports{filtered}}); !errors.Is(err, ErrRunNotStarted) || len(paths) != 0 {
		t.Errorf("WriteReportTo of a run where nothing ran = %v, %v", paths, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("WriteReportTo wrote %v", entries)
	}
}

// TestConformancesOneTarget: with one target, specs that never reached it
// (filtered out) are reported for it, as skipped.
func TestConformancesOneTarget(t *testing.T) {
	cs := Conformances(types.Report{SpecReports: types.SpecReports{
		syntheticSpec("GetIdentitySource/A/Passes", "M", types.SpecStatePassed, "fake", ""),
		syntheticSpec("GetIdentitySource/E/Filtered", "M", types.SpecStateSkipped, "", ""),
	}})
	if len(cs) != 1 || cs[0].Target != "fake" || cs[0].Summary != (ConformanceSummary{Passed: 1, Skipped: 1}) {
		t.Errorf("Conformances = %+v", cs)
	}
}

func TestReportDir(t *testing.T) {
	t.Setenv(ReportDirEnv, "/tmp/somewhere")
	if d, err := reportDir(); err != nil || d != "/tmp/somewhere" {
		t.Errorf("ReportDir with %s set = %q, %v", ReportDirEnv, d, err)
	}
	t.Setenv(ReportDirEnv, "")
	d, err := reportDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(d), "go.mod")); err != nil || filepath.Base(d) != "reports" {
		t.Errorf("ReportDir = %q, want <module root>/reports", d)
	}
}

// TestCausesOfOneAnswerMerge: causes that differ only in the operation that
// gave the same answer are one cause naming every such operation, so a
// server answering every call with one error has one cause.
func TestCausesOfOneAnswerMerge(t *testing.T) {
	spec := func(id, cause string) types.SpecReport {
		return withCause(syntheticSpec(id, "M", types.SpecStateFailed, "t", "expected success, got HTTP 400 InvalidAction: nope"), cause)
	}
	report := types.Report{SuiteDescription: "vpconform: merge", SpecReports: types.SpecReports{
		spec("GetIdentitySource/A/One", "CreatePolicyStore answers HTTP 400 InvalidAction"),
		spec("UpdateIdentitySource/A/Two", "UpdateIdentitySource answers HTTP 400 InvalidAction"),
		spec("GetIdentitySource/B/Three", "CreatePolicyStore answers HTTP 400 InvalidAction"),
		spec("GetIdentitySource/C/Four", "GetIdentitySource answers HTTP 404 ResourceNotFoundException"),
		spec("DeletePolicyStore/A/Five", "DeletePolicyStore answers HTTP 400 InvalidAction"),
	}}
	got := Conformances(report)[0].Causes
	want := []Cause{
		{Cause: "CreatePolicyStore, DeletePolicyStore and UpdateIdentitySource answer HTTP 400 InvalidAction", Count: 4,
			Scenarios: []string{"DeletePolicyStore/A/Five", "GetIdentitySource/A/One", "GetIdentitySource/B/Three", "UpdateIdentitySource/A/Two"}},
		{Cause: "GetIdentitySource answers HTTP 404 ResourceNotFoundException", Count: 1, Scenarios: []string{"GetIdentitySource/C/Four"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("causes:\n%+v\nwant\n%+v", got, want)
	}
}

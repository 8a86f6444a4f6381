package specs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// ReportDirEnv names the directory conformance reports are written under,
// one subdirectory per target. The default is <module root>/reports.
const ReportDirEnv = "VPCONFORM_REPORT_DIR"

// JUnitEnv, set to 0, stops WriteReport and WriteReportIn from writing
// junit.xml beside each target's report, which they do by default.
const JUnitEnv = "VPCONFORM_JUNIT"

// targetEntry is the Ginkgo report entry in which Register records, for
// each spec, the name of the target it ran against.
const targetEntry = "vpconform-target"

// causeEntry is the Ginkgo report entry in which a failed spec may record
// its root cause, in words that do not depend on the scenario, such as
// "UpdateIdentitySource answers HTTP 400 InvalidAction" (the first one
// recorded wins). The report groups failed scenarios by it; a failed
// scenario without it is grouped by its failure line with the volatile
// values (ids, durations, exchange numbers) masked.
const causeEntry = "vpconform-cause"

// Results of a scenario in a conformance report.
const (
	ResultPassed  = "passed"
	ResultFailed  = "failed"
	ResultSkipped = "skipped"
)

// Conformance is the conformance report of one target: how each scenario
// fared, the failures grouped by cause, and the counts per operation.
type Conformance struct {
	// Target is the Target.Name.
	Target string `json:"target"`
	// Suite is the Ginkgo suite description.
	Suite string `json:"suite"`
	// Date is when the suite started.
	Date time.Time `json:"date"`
	// Summary counts the results.
	Summary ConformanceSummary `json:"summary"`
	// Causes groups the failed scenarios by cause, the cause failing most
	// scenarios first (ties by cause text); empty when none failed.
	Causes []Cause `json:"causes"`
	// Operations counts the results per operation, sorted by operation.
	Operations []OperationSummary `json:"operations"`
	// Scenarios lists each scenario's result, sorted by id.
	Scenarios []ScenarioResult `json:"scenarios"`
}

// ConformanceSummary counts scenario results, and the deviations recorded
// by advisory expectations.
type ConformanceSummary struct {
	Passed     int `json:"passed"`
	Failed     int `json:"failed"`
	Skipped    int `json:"skipped"`
	Deviations int `json:"deviations"`
}

// Cause is one root cause of failures and the scenarios it failed.
type Cause struct {
	// Cause is the root cause: the spec's report entry "vpconform-cause"
	// when it recorded one, else its failure line with the volatile values
	// masked (ids as <id>, durations as <duration>, "exchange <n>").
	Cause string `json:"cause"`
	// Count is how many scenarios failed with this cause.
	Count int `json:"count"`
	// Scenarios are the ids of those scenarios, sorted.
	Scenarios []string `json:"scenarios"`
}

// OperationSummary counts the results of the scenarios of one operation
// (the scenarios labelled op:<Operation>).
type OperationSummary struct {
	Operation  string `json:"operation"`
	Passed     int    `json:"passed"`
	Failed     int    `json:"failed"`
	Skipped    int    `json:"skipped"`
	Deviations int    `json:"deviations"`
}

// ScenarioResult is how one scenario fared against the target.
type ScenarioResult struct {
	// ID is the scenario id.
	ID string `json:"id"`
	// Description is the scenario's MUST sentence.
	Description string `json:"description"`
	// Operation is the operation the scenario is about (its op: label).
	Operation string `json:"operation"`
	// Result is ResultPassed, ResultFailed or ResultSkipped.
	Result string `json:"result"`
	// Evidence is the scenario's evidence letter.
	Evidence Evidence `json:"evidence"`
	// Differed says what differed: for a failed scenario, what was
	// expected and what came back, on one line (the failure message
	// condensed); else the deviations; else, for a skipped scenario, why.
	Differed string `json:"differed,omitempty"`
	// Cause is, for a failed scenario, the root cause it is grouped by in
	// Conformance.Causes.
	Cause string `json:"cause,omitempty"`
	// Deviations lists the advisory expectations the target did not meet.
	Deviations []string `json:"deviations,omitempty"`
	// Note is a remark on the result, such as OverriddenNote.
	Note string `json:"note,omitempty"`
	// Golden says what became of the scenario's golden file in record or
	// compare mode: "wrote <path>", "matches <path>", "differs from
	// <path>", "not recorded: …".
	Golden string `json:"golden,omitempty"`
}

// Conformances turns a Ginkgo suite report into one Conformance per target
// the catalogue ran against (specs registered by Register; other specs are
// left out). A spec that never reached a target (filtered out before it
// ran) is counted for the suite's only target, or for "unknown".
func Conformances(report types.Report) []Conformance {
	names, byTarget := specsByTarget(report)
	out := make([]Conformance, 0, len(names))
	for _, name := range names {
		out = append(out, newConformance(name, report, byTarget[name]))
	}
	return out
}

// specsByTarget groups the scenario specs of a report (the Its labelled
// vpconform) by the target they ran against, and returns the target names,
// sorted. A spec that never reached a target goes to the only target, or
// to "unknown".
func specsByTarget(report types.Report) ([]string, map[string][]types.SpecReport) {
	byTarget := map[string][]types.SpecReport{}
	var pending []types.SpecReport
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt || !hasLabel(sr, "vpconform") {
			continue
		}
		name := entryValue(sr, targetEntry)
		if name == "" {
			pending = append(pending, sr)
			continue
		}
		byTarget[name] = append(byTarget[name], sr)
	}
	if len(pending) > 0 {
		name := "unknown"
		if len(byTarget) == 1 {
			for n := range byTarget {
				name = n
			}
		}
		byTarget[name] = append(byTarget[name], pending...)
	}
	names := make([]string, 0, len(byTarget))
	for n := range byTarget {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, byTarget
}

// newConformance is the conformance report of target name, from the specs
// that ran against it.
func newConformance(name string, report types.Report, srs []types.SpecReport) Conformance {
	c := Conformance{Target: name, Suite: report.SuiteDescription, Date: report.StartTime.UTC(),
		Causes: []Cause{}, Operations: []OperationSummary{}}
	ops := map[string]*OperationSummary{}
	for _, sr := range srs {
		r := scenarioResult(sr)
		op, ok := ops[r.Operation]
		if !ok {
			op = &OperationSummary{Operation: r.Operation}
			ops[r.Operation] = op
		}
		switch r.Result {
		case ResultPassed:
			c.Summary.Passed++
			op.Passed++
		case ResultFailed:
			c.Summary.Failed++
			op.Failed++
		default:
			c.Summary.Skipped++
			op.Skipped++
		}
		c.Summary.Deviations += len(r.Deviations)
		op.Deviations += len(r.Deviations)
		c.Scenarios = append(c.Scenarios, r)
	}
	sort.SliceStable(c.Scenarios, func(i, j int) bool { return c.Scenarios[i].ID < c.Scenarios[j].ID })
	for _, op := range ops {
		c.Operations = append(c.Operations, *op)
	}
	sort.Slice(c.Operations, func(i, j int) bool { return c.Operations[i].Operation < c.Operations[j].Operation })
	c.Causes = groupCauses(c.Scenarios)
	return c
}

// operationAnswers matches a cause of the form "<Operation> answers
// <answer>", the form the kit gives a wrong answer.
var operationAnswers = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*) answers (.+)$`)

// groupCauses groups the failed scenarios of rs (sorted by id) by cause,
// the largest group first, ties by cause text. Causes that differ only in
// the operation that gave the same answer are one cause, "A, B and C
// answer <answer>": a server that answers every call with one error has
// one cause, whichever call each scenario made first.
func groupCauses(rs []ScenarioResult) []Cause {
	out := []Cause{}
	index := map[string]int{}
	ops := map[string][]string{}
	for _, r := range rs {
		if r.Result != ResultFailed {
			continue
		}
		key := r.Cause
		if m := operationAnswers.FindStringSubmatch(r.Cause); m != nil {
			key = "\x00" + m[2]
			if !slices.Contains(ops[key], m[1]) {
				ops[key] = append(ops[key], m[1])
			}
		}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Cause{Cause: key})
		}
		out[i].Count++
		out[i].Scenarios = append(out[i].Scenarios, r.ID)
	}
	for i, c := range out {
		answer, ok := strings.CutPrefix(c.Cause, "\x00")
		if !ok {
			continue
		}
		names := ops[c.Cause]
		sort.Strings(names)
		switch len(names) {
		case 1:
			out[i].Cause = names[0] + " answers " + answer
		default:
			out[i].Cause = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " answer " + answer
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Cause < out[j].Cause
	})
	return out
}

func scenarioResult(sr types.SpecReport) ScenarioResult {
	id, desc, _ := strings.Cut(sr.LeafNodeText, ": ")
	r := ScenarioResult{ID: id, Description: desc}
	for _, l := range sr.Labels() {
		if e, ok := strings.CutPrefix(l, "evidence:"); ok {
			r.Evidence = Evidence(e)
		}
		if op, ok := strings.CutPrefix(l, "op:"); ok {
			r.Operation = op
		}
	}
	if r.Operation == "" {
		// Not labelled: the id starts with the operation.
		r.Operation, _, _ = strings.Cut(id, "/")
	}
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case noteEntry:
			r.Note = e.Value.String()
		case goldenEntry:
			r.Golden = e.Value.String()
		}
		if e.Name == "deviation" {
			d := e.Value.String()
			// deviation.String is "<target>: <scenario id>: <message>".
			if _, rest, ok := strings.Cut(d, ": "+id+": "); ok {
				d = rest
			}
			r.Deviations = append(r.Deviations, d)
		}
	}
	switch {
	case sr.State == types.SpecStatePassed:
		r.Result = ResultPassed
		r.Differed = strings.Join(r.Deviations, "; ")
	case sr.State.Is(types.SpecStateFailureStates):
		r.Result = ResultFailed
		r.Differed = specFailureLine(sr)
		if r.Differed == "" {
			r.Differed = sr.State.String()
		}
		r.Cause = flSqueeze(entryValue(sr, causeEntry))
		if r.Cause == "" {
			r.Cause = maskVolatile(r.Differed)
		}
	default:
		r.Result = ResultSkipped
		r.Differed = failureLine(sr.Failure.Message)
	}
	return r
}

// specFailureLine is the failure line of a failed spec: its failure
// message condensed (failureLine), with the panic of a spec that panicked
// and, for a spec that timed out or was interrupted, the first failure
// that followed.
func specFailureLine(sr types.SpecReport) string {
	line := failureLine(sr.Failure.Message)
	if p := failureLine(sr.Failure.ForwardedPanic); p != "" {
		line = strings.TrimPrefix(strings.TrimSuffix(line, ":")+": "+p, ": ")
	}
	if sr.State.Is(types.SpecStateTimedout|types.SpecStateInterrupted|types.SpecStateAborted) && len(sr.AdditionalFailures) > 0 {
		if then := failureLine(sr.AdditionalFailures[0].Failure.Message); then != "" {
			line = strings.TrimPrefix(line+"; then: "+then, "; ")
		}
	}
	return flCap(line)
}

func hasLabel(sr types.SpecReport, label string) bool {
	for _, l := range sr.Labels() {
		if l == label {
			return true
		}
	}
	return false
}

func entryValue(sr types.SpecReport, name string) string {
	for _, e := range sr.ReportEntries {
		if e.Name == name {
			return e.Value.String()
		}
	}
	return ""
}

// SummaryLine is the one-line summary of the report: "N scenarios: P
// passed, F failed, S skipped; D deviations. Suite: <suite>." (the third
// line of the Markdown).
func (c Conformance) SummaryLine() string {
	return fmt.Sprintf("%d scenarios: %d passed, %d failed, %d skipped; %d deviations. Suite: %s.",
		len(c.Scenarios), c.Summary.Passed, c.Summary.Failed, c.Summary.Skipped, c.Summary.Deviations, c.Suite)
}

// markdown renders the report: a title naming the target and the date;
// the summary line; "## Failures by cause", one line per cause with the
// ids of the scenarios it failed (or "No failures."); "## Per operation",
// a table of the counts per operation; "## Failed scenarios", a table of
// each failed scenario's evidence and what was expected and what came
// back; "## Deviations (advisory)", one row per deviation; "## Skipped",
// each skipped scenario and how to enable it; "## All scenarios", a table
// of every scenario, its result, evidence and what differed; and, in record
// or compare mode, "## Golden files".
func (c Conformance) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# vpconform conformance: %s (%s)\n\n", c.Target, c.Date.Format("2006-01-02"))
	fmt.Fprintf(&b, "%s\n\n", c.SummaryLine())
	c.writeCauses(&b, "##")
	c.writeOperations(&b, "##")

	var failed, skipped, filtered []ScenarioResult
	deviations := 0
	for _, r := range c.Scenarios {
		switch {
		case r.Result == ResultFailed:
			failed = append(failed, r)
		case r.Result == ResultSkipped && r.Differed == "":
			filtered = append(filtered, r)
		case r.Result == ResultSkipped:
			skipped = append(skipped, r)
		}
		deviations += len(r.Deviations)
	}
	if len(failed) > 0 {
		b.WriteString("## Failed scenarios\n\n| scenario | evidence | expected and got |\n|---|---|---|\n")
		for _, r := range failed {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(r.ID), r.Evidence, cell(withNote(r.Differed, r.Note)))
		}
		b.WriteString("\n")
	}
	if deviations > 0 {
		b.WriteString("## Deviations (advisory)\n\n| scenario | evidence | deviation |\n|---|---|---|\n")
		for _, r := range c.Scenarios {
			for _, d := range r.Deviations {
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(r.ID), r.Evidence, cell(d))
			}
		}
		b.WriteString("\n")
	}
	if len(skipped)+len(filtered) > 0 {
		b.WriteString("## Skipped\n\n")
		if len(skipped) > 0 {
			b.WriteString("| scenario | how to enable |\n|---|---|\n")
			for _, r := range skipped {
				fmt.Fprintf(&b, "| `%s` | %s |\n", cell(r.ID), cell(r.Differed))
			}
			b.WriteString("\n")
		}
		if len(filtered) > 0 {
			fmt.Fprintf(&b, "%d scenarios did not run: filtered out by the run's focus or label filter, or left when the run stopped.\n\n", len(filtered))
		}
	}
	b.WriteString("## All scenarios\n\n| scenario | result | evidence | what differed |\n|---|---|---|---|\n")
	for _, r := range c.Scenarios {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cell(r.ID), r.Result, r.Evidence, cell(withNote(r.Differed, r.Note)))
	}
	if lines := goldenLines(c); len(lines) > 0 {
		b.WriteString("\n## Golden files\n\n")
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	return b.String()
}

// writeCauses writes the section "Failures by cause", its heading at
// level heading ("##"), or "No failures.".
func (c Conformance) writeCauses(b *strings.Builder, heading string) {
	if len(c.Causes) == 0 {
		b.WriteString("No failures.\n\n")
		return
	}
	fmt.Fprintf(b, "%s Failures by cause\n\n", heading)
	for _, cs := range c.Causes {
		ids := make([]string, len(cs.Scenarios))
		for i, id := range cs.Scenarios {
			ids[i] = "`" + id + "`"
		}
		fmt.Fprintf(b, "- **%s**: %d scenarios: %s\n", cell(cs.Cause), cs.Count, strings.Join(ids, ", "))
	}
	b.WriteString("\n")
}

// writeOperations writes the section "Per operation", its heading at level
// heading ("##").
func (c Conformance) writeOperations(b *strings.Builder, heading string) {
	fmt.Fprintf(b, "%s Per operation\n\n| operation | passed | failed | skipped | deviations |\n|---|--:|--:|--:|--:|\n", heading)
	for _, op := range c.Operations {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d |\n", cell(op.Operation), op.Passed, op.Failed, op.Skipped, op.Deviations)
	}
	b.WriteString("\n")
}

// Text is the summary of the report for a terminal, and summary.txt: the
// summary line, one line per cause ("<count> × <cause>", or "no
// failures"), and the table of the counts per operation, each line
// starting "vpconform: <target>: ".
func (c Conformance) Text() string {
	var body strings.Builder
	body.WriteString(c.SummaryLine() + "\n")
	if len(c.Causes) == 0 {
		body.WriteString("no failures\n")
	}
	for _, cs := range c.Causes {
		fmt.Fprintf(&body, "%d × %s\n", cs.Count, cs.Cause)
	}
	tw := tabwriter.NewWriter(&body, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tpassed\tfailed\tskipped\tdeviations")
	for _, op := range c.Operations {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", op.Operation, op.Passed, op.Failed, op.Skipped, op.Deviations)
	}
	_ = tw.Flush()
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(body.String(), "\n"), "\n") {
		fmt.Fprintf(&b, "vpconform: %s: %s\n", c.Target, strings.TrimRight(l, " "))
	}
	return b.String()
}

// withNote appends the note, if any, to what differed.
func withNote(differed, note string) string {
	if note == "" {
		return differed
	}
	return strings.TrimPrefix(differed+"; note: "+note, "; ")
}

// cell makes s fit a Markdown table cell or a list item: one line, pipes
// escaped, and "<" and "*" escaped so that "<id>" is not taken for an HTML
// tag nor a pointer type for emphasis.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "<", `\<`)
	return strings.ReplaceAll(s, "*", `\*`)
}

var unsafePathChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// reportFiles are the files writeReportTo writes into each target's
// directory.
var reportFiles = []string{"conformance.md", "conformance.json", "summary.txt", "junit.xml"}

// writeReportTo writes, for each target of the suite report, into
// dir/<target name>/: conformance.md (Conformance.markdown),
// conformance.json (the Conformance), summary.txt (Conformance.Text) and,
// unless VPCONFORM_JUNIT=0 (which removes an earlier one), junit.xml
// (Ginkgo's JUnit report of that target's scenarios); it returns the paths
// written, sorted.
//
// When the run could not start (a BeforeSuite failed, or no scenario of
// the catalogue ran), it writes nothing, removes the report files of every
// earlier report of the same suite under dir (those whose conformance.json
// names report.SuiteDescription as its suite) and returns an error
// wrapping ErrRunNotStarted that says why.
func writeReportTo(dir string, report types.Report) ([]string, error) {
	written, _, err := writeReports(dir, report)
	return written, err
}

// writeReports is writeReportTo, also returning the files of earlier
// reports it removed.
func writeReports(dir string, report types.Report) (written, removed []string, err error) {
	if reason := notStarted(report); reason != "" {
		removed, rerr := removeSuiteReports(dir, report.SuiteDescription)
		return nil, removed, errors.Join(fmt.Errorf("no conformance report: %w: %s", ErrRunNotStarted, reason), rerr)
	}
	junit := os.Getenv(JUnitEnv) != "0"
	names, byTarget := specsByTarget(report)
	for _, name := range names {
		c := newConformance(name, report, byTarget[name])
		sub := filepath.Join(dir, targetDirName(c.Target))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return written, nil, fmt.Errorf("specs: create report directory: %w", err)
		}
		// Not HTML-escaped: the masks "<id>" stay readable.
		var js bytes.Buffer
		enc := json.NewEncoder(&js)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c); err != nil {
			return written, nil, fmt.Errorf("specs: encode the conformance report of %s: %w", c.Target, err)
		}
		files := map[string][]byte{
			"conformance.md":   []byte(c.markdown()),
			"conformance.json": js.Bytes(),
			"summary.txt":      []byte(c.Text()),
		}
		for _, file := range reportFiles {
			content, ok := files[file]
			if !ok {
				continue
			}
			p := filepath.Join(sub, file)
			if err := writeFileAtomic(p, content); err != nil {
				return written, nil, err
			}
			written = append(written, p)
		}
		p := filepath.Join(sub, "junit.xml")
		if !junit {
			// Not left from an earlier run, to pass for this one's.
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return written, nil, fmt.Errorf("specs: remove the earlier %s: %w", p, err)
			}
			continue
		}
		if err := writeJUnit(p, report, byTarget[name]); err != nil {
			return written, nil, err
		}
		written = append(written, p)
	}
	sort.Strings(written)
	return written, nil, nil
}

// targetDirName is the name of a target's report directory: its name,
// with the characters unsafe in a path replaced.
func targetDirName(target string) string {
	name := strings.Trim(unsafePathChars.ReplaceAllString(target, "-"), ".-")
	if name == "" {
		return "unknown"
	}
	return name
}

// writeFileAtomic replaces path with content (see replaceAtomically).
func writeFileAtomic(path string, content []byte) error {
	return replaceAtomically(path, func(tmp *os.File) error {
		_, err := tmp.Write(content)
		return err
	})
}

// replaceAtomically writes path through write, which fills the temporary
// file beside path it is given (and may close it), then renames that file
// over path; on any failure the temporary file is removed and path is left
// as it was.
func replaceAtomically(path string, write func(tmp *os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("specs: write %s: %w", path, err)
	}
	werr := write(tmp)
	cerr := tmp.Close()
	if errors.Is(cerr, os.ErrClosed) {
		cerr = nil
	}
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("specs: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("specs: write %s: %w", path, err)
	}
	return nil
}

// reportDir is where WriteReport writes: $VPCONFORM_REPORT_DIR, else
// <module root>/reports, the module root being the nearest directory above
// the working directory holding go.mod.
func reportDir() (string, error) {
	if d := os.Getenv(ReportDirEnv); d != "" {
		return d, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("specs: set %s or run inside the module: %w", ReportDirEnv, err)
	}
	return filepath.Join(root, "reports"), nil
}

// ModuleRoot returns the nearest directory at or above the working
// directory that holds a go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("specs: working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("specs: no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// WriteReport writes the conformance report of each target in a suite
// report (see writeReportTo) under reportDir, prints the paths written and
// then, for each target, its summary (Conformance.Text: the summary line,
// the failures by cause and the counts per operation), so that these are
// the last lines of the suite's own output. When the environment variable
// GITHUB_STEP_SUMMARY names a file, it appends to it, for each target, the
// summary line, the failures by cause and the table per operation
// (Markdown). Suites call it from ReportAfterSuite:
//
//	var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
//		Expect(specs.WriteReport(r)).To(Succeed())
//	})
//
// When the run could not start (a BeforeSuite failed, such as
// EndpointTargetFromEnv not reaching VPCONFORM_ENDPOINT, or no scenario
// ran), it writes no report, removes the earlier reports of the suite,
// prints "vpconform: no conformance report: the run could not start:
// <reason>" and returns an error wrapping ErrRunNotStarted.
//
// Under the default directory it also writes reports/.gitignore, so that
// reports never show up as changes of the module.
func WriteReport(report types.Report) error {
	dir, err := reportDir()
	if err != nil {
		return err
	}
	if os.Getenv(ReportDirEnv) == "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("specs: create report directory: %w", err)
		}
		ignore := filepath.Join(dir, ".gitignore")
		if _, err := os.Stat(ignore); errors.Is(err, os.ErrNotExist) {
			if err := os.WriteFile(ignore, []byte("# Written by vpconform: conformance reports are not sources.\n*\n"), 0o644); err != nil {
				return fmt.Errorf("specs: write %s: %w", ignore, err)
			}
		}
	}
	return WriteReportIn(dir, report)
}

// WriteReportIn is WriteReport writing under dir: the files of
// writeReportTo, then the lines WriteReport prints (the paths written, the
// summary, the causes and the counts per operation), and the job summary
// when GITHUB_STEP_SUMMARY is set. When the run could not start it writes
// no report, prints why and returns an error wrapping ErrRunNotStarted.
func WriteReportIn(dir string, report types.Report) error {
	paths, removed, err := writeReports(dir, report)
	if errors.Is(err, ErrRunNotStarted) {
		for _, p := range removed {
			fmt.Printf("vpconform: removed the earlier report %s\n", p)
		}
		fmt.Printf("\nvpconform: %v\n", err)
		return errors.Join(err, appendStepSummary(fmt.Sprintf("### vpconform: %s\n\n**No conformance report**: %s\n\n", report.SuiteDescription, cell(err.Error()))))
	}
	cs := Conformances(report)
	// A line of its own, after Ginkgo's succinct progress dots.
	fmt.Println()
	for _, c := range cs {
		if summary := goldenSummary(c); summary != "" {
			fmt.Print(summary)
		}
	}
	for _, p := range paths {
		fmt.Printf("vpconform: wrote %s\n", p)
	}
	var step strings.Builder
	for _, c := range cs {
		fmt.Print("\n" + c.Text())
		fmt.Fprintf(&step, "### vpconform conformance: %s (%s)\n\n%s\n\n", c.Target, c.Date.Format("2006-01-02"), c.SummaryLine())
		c.writeCauses(&step, "####")
		c.writeOperations(&step, "####")
	}
	if len(cs) > 0 {
		err = errors.Join(err, appendStepSummary(step.String()))
	}
	return err
}

// goldenSummary sums up, for the end of a suite, what record or compare
// mode did for a target: each golden file written, each scenario that
// differed or was not recorded, and the counts. It is "" when the run
// neither recorded nor compared.
func goldenSummary(c Conformance) string {
	var wrote, matched, differed, notRecorded []string
	skipped := 0
	for _, r := range c.Scenarios {
		if r.Result == ResultSkipped && strings.HasPrefix(r.Differed, "compare:") {
			skipped++
		}
		switch {
		case strings.HasPrefix(r.Golden, "wrote "):
			wrote = append(wrote, strings.TrimPrefix(r.Golden, "wrote "))
		case strings.HasPrefix(r.Golden, "matches "):
			matched = append(matched, r.ID)
		case strings.HasPrefix(r.Golden, "differs from "):
			differed = append(differed, r.ID+" ("+strings.TrimPrefix(r.Golden, "differs from ")+")")
		case strings.HasPrefix(r.Golden, "no golden file "):
			differed = append(differed, r.ID+" (no golden file: "+strings.TrimPrefix(r.Golden, "no golden file ")+")")
		case strings.HasPrefix(r.Golden, "not recorded: "):
			notRecorded = append(notRecorded, r.ID+": "+strings.TrimPrefix(r.Golden, "not recorded: "))
		}
	}
	if len(wrote)+len(matched)+len(differed)+len(notRecorded)+skipped == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n")
	for _, p := range wrote {
		fmt.Fprintf(&b, "vpconform: %s: recorded %s\n", c.Target, p)
	}
	for _, d := range differed {
		fmt.Fprintf(&b, "vpconform: %s: DIFFERS from its golden set: %s\n", c.Target, d)
	}
	for _, n := range notRecorded {
		fmt.Fprintf(&b, "vpconform: %s: NOT RECORDED: %s\n", c.Target, n)
	}
	switch {
	case len(wrote)+len(notRecorded) > 0:
		fmt.Fprintf(&b, "vpconform: %s: recorded %d golden files; %d scenarios not recorded\n", c.Target, len(wrote), len(notRecorded))
	default:
		fmt.Fprintf(&b, "vpconform: %s: compared %d scenarios with the golden set: %d match, %d differ or have no golden file; %d skipped by the golden set\n",
			c.Target, len(matched)+len(differed), len(matched), len(differed), skipped)
	}
	return b.String()
}

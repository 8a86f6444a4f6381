package specs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// ReportDirEnv names the directory conformance reports are written under,
// one subdirectory per target. The default is <module root>/reports.
const ReportDirEnv = "VPCONFORM_REPORT_DIR"

// targetEntry is the Ginkgo report entry in which Register records, for
// each spec, the name of the target it ran against.
const targetEntry = "vpconform-target"

// Results of a scenario in a conformance report.
const (
	ResultPassed  = "passed"
	ResultFailed  = "failed"
	ResultSkipped = "skipped"
)

// Conformance is the conformance report of one target: how each scenario
// fared.
type Conformance struct {
	// Target is the Target.Name.
	Target string `json:"target"`
	// Suite is the Ginkgo suite description.
	Suite string `json:"suite"`
	// Date is when the suite started.
	Date time.Time `json:"date"`
	// Summary counts the results.
	Summary ConformanceSummary `json:"summary"`
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

// ScenarioResult is how one scenario fared against the target.
type ScenarioResult struct {
	// ID is the scenario id.
	ID string `json:"id"`
	// Description is the scenario's MUST sentence.
	Description string `json:"description"`
	// Result is ResultPassed, ResultFailed or ResultSkipped.
	Result string `json:"result"`
	// Evidence is the scenario's evidence letter.
	Evidence string `json:"evidence"`
	// Differed says what differed: the first line of the failure message,
	// else the deviations, else, for a skipped scenario, why.
	Differed string `json:"differed,omitempty"`
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
	byTarget := map[string]*Conformance{}
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
		add(byTarget, name, report, sr)
	}
	for _, sr := range pending {
		name := "unknown"
		if len(byTarget) == 1 {
			for n := range byTarget {
				name = n
			}
		}
		add(byTarget, name, report, sr)
	}
	out := make([]Conformance, 0, len(byTarget))
	for _, c := range byTarget {
		sort.SliceStable(c.Scenarios, func(i, j int) bool { return c.Scenarios[i].ID < c.Scenarios[j].ID })
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Target < out[j].Target })
	return out
}

func add(byTarget map[string]*Conformance, name string, report types.Report, sr types.SpecReport) {
	c, ok := byTarget[name]
	if !ok {
		c = &Conformance{Target: name, Suite: report.SuiteDescription, Date: report.StartTime.UTC()}
		byTarget[name] = c
	}
	r := scenarioResult(sr)
	switch r.Result {
	case ResultPassed:
		c.Summary.Passed++
	case ResultFailed:
		c.Summary.Failed++
	default:
		c.Summary.Skipped++
	}
	c.Summary.Deviations += len(r.Deviations)
	c.Scenarios = append(c.Scenarios, r)
}

func scenarioResult(sr types.SpecReport) ScenarioResult {
	id, desc, _ := strings.Cut(sr.LeafNodeText, ": ")
	r := ScenarioResult{ID: id, Description: desc}
	for _, l := range sr.Labels() {
		if e, ok := strings.CutPrefix(l, "evidence:"); ok {
			r.Evidence = e
		}
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
			// Deviation.String is "<target>: <scenario id>: <message>".
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
		r.Differed = firstLine(sr.Failure.Message)
		if r.Differed == "" {
			r.Differed = sr.State.String()
		}
	default:
		r.Result = ResultSkipped
		r.Differed = firstLine(sr.Failure.Message)
	}
	return r
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
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

// Markdown renders the report: a title naming the target and the date, a
// summary line, and a table of scenario, result, evidence and what
// differed.
func (c Conformance) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# vpconform conformance: %s (%s)\n\n", c.Target, c.Date.Format("2006-01-02"))
	fmt.Fprintf(&b, "%d scenarios: %d passed, %d failed, %d skipped; %d deviations. Suite: %s.\n\n",
		len(c.Scenarios), c.Summary.Passed, c.Summary.Failed, c.Summary.Skipped, c.Summary.Deviations, c.Suite)
	b.WriteString("| scenario | result | evidence | what differed |\n|---|---|---|---|\n")
	for _, r := range c.Scenarios {
		differed := r.Differed
		if r.Note != "" {
			differed = strings.TrimPrefix(differed+"; note: "+r.Note, "; ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cell(r.ID), r.Result, r.Evidence, cell(differed))
	}
	if lines := goldenLines(c); len(lines) > 0 {
		b.WriteString("\n## Golden files\n\n")
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	return b.String()
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

var unsafePathChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// WriteReportTo writes, for each target of the suite report, conformance.md
// and conformance.json into dir/<target name>/, and returns the paths
// written.
func WriteReportTo(dir string, report types.Report) ([]string, error) {
	var written []string
	for _, c := range Conformances(report) {
		name := strings.Trim(unsafePathChars.ReplaceAllString(c.Target, "-"), ".-")
		if name == "" {
			name = "unknown"
		}
		sub := filepath.Join(dir, name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return written, fmt.Errorf("specs: create report directory: %w", err)
		}
		js, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return written, fmt.Errorf("specs: encode the conformance report of %s: %w", c.Target, err)
		}
		for file, content := range map[string][]byte{"conformance.md": []byte(c.Markdown()), "conformance.json": append(js, '\n')} {
			p := filepath.Join(sub, file)
			if err := writeFileAtomic(p, content); err != nil {
				return written, err
			}
			written = append(written, p)
		}
	}
	sort.Strings(written)
	return written, nil
}

func writeFileAtomic(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("specs: write %s: %w", path, err)
	}
	_, werr := tmp.Write(content)
	cerr := tmp.Close()
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

// ReportDir is where WriteReport writes: $VPCONFORM_REPORT_DIR, else
// <module root>/reports, the module root being the nearest directory above
// the working directory holding go.mod.
func ReportDir() (string, error) {
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
// report (see WriteReportTo) under ReportDir and prints the paths written.
// Suites call it from ReportAfterSuite:
//
//	var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
//		Expect(specs.WriteReport(r)).To(Succeed())
//	})
//
// Under the default directory it also writes reports/.gitignore, so that
// reports never show up as changes of the module.
func WriteReport(report types.Report) error {
	dir, err := ReportDir()
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
	paths, err := WriteReportTo(dir, report)
	for _, c := range Conformances(report) {
		if summary := GoldenSummary(c); summary != "" {
			fmt.Print(summary)
		}
	}
	for _, p := range paths {
		fmt.Printf("vpconform: wrote %s\n", p)
	}
	return err
}

// GoldenSummary sums up, for the end of a suite, what record or compare
// mode did for a target: each golden file written, each scenario that
// differed or was not recorded, and the counts. It is "" when the run
// neither recorded nor compared.
func GoldenSummary(c Conformance) string {
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

package specs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

func syntheticSpec(id, evidence string, state types.SpecState, target string, failure string, deviations ...string) types.SpecReport {
	sr := types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             id + ": " + strings.Split(id, "/")[0] + " MUST do it.",
		ContainerHierarchyLabels: [][]string{{"vpconform"}, {}},
		LeafNodeLabels:           []string{"op:X", "evidence:" + evidence},
		State:                    state,
		Failure:                  types.Failure{Message: failure},
	}
	if target != "" {
		sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: targetEntry, Value: types.WrapEntryValue(target)})
	}
	for _, d := range deviations {
		sr.ReportEntries = append(sr.ReportEntries, types.ReportEntry{Name: "deviation", Value: types.WrapEntryValue(Deviation{Target: target, ScenarioID: id, Message: d}.String())})
	}
	return sr
}

func TestWriteReportTo(t *testing.T) {
	report := types.Report{
		SuiteDescription: "vpconform: synthetic",
		StartTime:        time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		SpecReports: types.SpecReports{
			syntheticSpec("GetIdentitySource/A/Passes", "M", types.SpecStatePassed, "t1", ""),
			syntheticSpec("GetIdentitySource/B/Fails", "M", types.SpecStateFailed, "t1", "HTTP status | wrong\nmore detail"),
			syntheticSpec("GetIdentitySource/C/Deviates", "I", types.SpecStatePassed, "t1", "", "discoveryUrl differs"),
			syntheticSpec("GetIdentitySource/D/Skipped", "M", types.SpecStateSkipped, "t1", "target lacks capability"),
			syntheticSpec("GetIdentitySource/E/Filtered", "M", types.SpecStateSkipped, "", ""),
			syntheticSpec("UpdateIdentitySource/A/Other", "O", types.SpecStateTimedout, "t2/delayed", ""),
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "not a scenario", State: types.SpecStateFailed},
		},
	}
	cs := Conformances(report)
	// With two targets, a spec that reached none is reported for "unknown".
	if len(cs) != 3 || cs[0].Target != "t1" || cs[1].Target != "t2/delayed" || cs[2].Target != "unknown" {
		t.Fatalf("Conformances targets: %+v", cs)
	}
	if got := cs[0].Summary; got != (ConformanceSummary{Passed: 2, Failed: 1, Skipped: 1, Deviations: 1}) {
		t.Errorf("t1 summary %+v", got)
	}
	if got := cs[1].Summary; got != (ConformanceSummary{Failed: 1}) {
		t.Errorf("t2 summary %+v", got)
	}

	dir := t.TempDir()
	paths, err := WriteReportTo(dir, report)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "t1", "conformance.json"), filepath.Join(dir, "t1", "conformance.md"),
		filepath.Join(dir, "t2-delayed", "conformance.json"), filepath.Join(dir, "t2-delayed", "conformance.md"),
		filepath.Join(dir, "unknown", "conformance.json"), filepath.Join(dir, "unknown", "conformance.md"),
	}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Errorf("paths %v, want %v", paths, want)
	}
	md, err := os.ReadFile(filepath.Join(dir, "t1", "conformance.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"# vpconform conformance: t1 (2026-05-01)",
		"4 scenarios: 2 passed, 1 failed, 1 skipped; 1 deviations.",
		"| scenario | result | evidence | what differed |",
		"| `GetIdentitySource/B/Fails` | failed | M | HTTP status \\| wrong |",
		"| `GetIdentitySource/C/Deviates` | passed | I | discoveryUrl differs |",
		"| `GetIdentitySource/D/Skipped` | skipped | M | target lacks capability |",
	} {
		if !strings.Contains(string(md), s) {
			t.Errorf("conformance.md lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(string(md), "not a scenario") || strings.Contains(string(md), "more detail") {
		t.Errorf("conformance.md has what it should not:\n%s", md)
	}
	b, err := os.ReadFile(filepath.Join(dir, "t2-delayed", "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c Conformance
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Target != "t2/delayed" || len(c.Scenarios) != 1 || c.Scenarios[0].Result != ResultFailed || c.Scenarios[0].Differed != "timedout" || c.Scenarios[0].Evidence != "O" {
		t.Errorf("conformance.json: %+v", c)
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
	if d, err := ReportDir(); err != nil || d != "/tmp/somewhere" {
		t.Errorf("ReportDir with %s set = %q, %v", ReportDirEnv, d, err)
	}
	t.Setenv(ReportDirEnv, "")
	d, err := ReportDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(d), "go.mod")); err != nil || filepath.Base(d) != "reports" {
		t.Errorf("ReportDir = %q, want <module root>/reports", d)
	}
}

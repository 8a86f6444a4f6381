package specs

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/vpconform/vpconform/fixtures"
)

func TestGoldenSettingsFromEnv(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	base := GoldenSettings{CompareDir: "/golden/default", Compare: EnvCompareOptions()}

	t.Setenv(RecordDirEnv, "")
	t.Setenv(GoldenDirEnv, "")
	t.Setenv(UpdateGoldenEnv, "")
	t.Setenv(CompareIgnoreEnv, "")
	if g, err := base.FromEnv(); err != nil || g.CompareDir != "/golden/default" || g.RecordDir != "" || g.Overwrite {
		t.Errorf("no variables: %+v, %v", g, err)
	}

	t.Setenv(RecordDirEnv, "fixtures/testdata/x")
	t.Setenv(UpdateGoldenEnv, "1")
	g, err := base.FromEnv()
	if err != nil || g.RecordDir != filepath.Join(root, "fixtures/testdata/x") || g.CompareDir != "" || !g.Overwrite {
		t.Errorf("record: %+v, %v", g, err)
	}

	t.Setenv(GoldenDirEnv, "/y")
	if _, err := base.FromEnv(); err == nil {
		t.Error("both directories accepted")
	}

	t.Setenv(RecordDirEnv, "")
	t.Setenv(CompareIgnoreEnv, "response.message, headers.X-Amzn-Requestid")
	g, err = base.FromEnv()
	if err != nil || g.CompareDir != "/y" || strings.Join(g.Compare.Volatile, ",") != "response.message,headers.X-Amzn-Requestid" || len(g.Compare.IgnoreNumbering) != 1 {
		t.Errorf("compare: %+v, %v", g, err)
	}
}

// TestEveryScenarioHasItsOwnGoldenFile: file names are valid and distinct
// for the whole catalogue, generated ids included.
func TestEveryScenarioHasItsOwnGoldenFile(t *testing.T) {
	seen := map[string]string{}
	for _, sc := range Catalogue() {
		name, err := fixtures.FileName(sc.ID)
		if err != nil {
			t.Errorf("%s: %v", sc.ID, err)
			continue
		}
		if other, ok := seen[strings.ToLower(name)]; ok {
			t.Errorf("%s and %s share the file name %s (case-insensitively)", sc.ID, other, name)
		}
		seen[strings.ToLower(name)] = sc.ID
	}
}

func TestReportShowsGoldenFilesAndNotes(t *testing.T) {
	entry := func(name, v string) types.ReportEntry {
		return types.ReportEntry{Name: name, Value: types.WrapEntryValue(v)}
	}
	a := syntheticSpec("GetIdentitySource/A/Overridden", "I", types.SpecStatePassed, "t1", "")
	a.ReportEntries = append(a.ReportEntries, entry(noteEntry, OverriddenNote+" (x)"), entry(goldenEntry, "matches /g/A.json"))
	b := syntheticSpec("GetIdentitySource/B/Differs", "M", types.SpecStateFailed, "t1", "compare: golden file /g/B.json: …")
	b.ReportEntries = append(b.ReportEntries, entry(goldenEntry, "differs from /g/B.json"))
	c := syntheticSpec("GetIdentitySource/C/Missing", "M", types.SpecStateFailed, "t1", "compare: no golden file")
	c.ReportEntries = append(c.ReportEntries, entry(goldenEntry, "no golden file /g/C.json"))
	cs := Conformances(types.Report{StartTime: time.Now(), SpecReports: types.SpecReports{a, b, c}})
	if len(cs) != 1 {
		t.Fatalf("%+v", cs)
	}
	md := cs[0].markdown()
	for _, s := range []string{"note: " + OverriddenNote, "## Golden files", "- GetIdentitySource/B/Differs: differs from /g/B.json"} {
		if !strings.Contains(md, s) {
			t.Errorf("conformance.md lacks %q:\n%s", s, md)
		}
	}
	sum := goldenSummary(cs[0])
	for _, s := range []string{"DIFFERS from its golden set: GetIdentitySource/B/Differs (/g/B.json)", "GetIdentitySource/C/Missing (no golden file: /g/C.json)", "compared 3 scenarios with the golden set: 1 match, 2 differ"} {
		if !strings.Contains(sum, s) {
			t.Errorf("summary lacks %q:\n%s", s, sum)
		}
	}
}

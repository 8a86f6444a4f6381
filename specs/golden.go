package specs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/vpconform/vpconform/fixtures"
)

// Environment variables of golden-file recording and comparison, read by
// GoldenSettings.FromEnv (and so by EndpointTargetFromEnv and
// AWSTargetFromEnv).
const (
	// RecordDirEnv names a directory: every scenario that runs is recorded
	// there as a golden file (record mode).
	RecordDirEnv = "VPCONFORM_RECORD_DIR"
	// GoldenDirEnv names a golden set: every scenario that runs is compared
	// with its golden file there (compare mode).
	GoldenDirEnv = "VPCONFORM_GOLDEN_DIR"
	// UpdateGoldenEnv set to "1" lets a recording replace existing golden
	// files; without it, a recording refuses to.
	UpdateGoldenEnv = "VPCONFORM_UPDATE_GOLDEN"
	// CompareIgnoreEnv lists, comma-separated, more member paths that a
	// comparison ignores in every exchange, such as
	// "response.message,headers.X-Amzn-Requestid".
	CompareIgnoreEnv = "VPCONFORM_COMPARE_IGNORE"
)

// OverriddenNote is the note a scenario result carries when an advisory
// expectation (evidence I) was not met but the scenario was compared with a
// golden set recorded from AWS, which decides instead.
const OverriddenNote = "advisory expectation overridden by the aws golden set"

// Report entries Register adds for the golden files: what happened to the
// scenario's golden file, and a note for the conformance report.
const (
	goldenEntry = "vpconform-golden"
	noteEntry   = "vpconform-note"
)

// GoldenSettings says whether the scenarios run against a target are
// recorded as golden files or compared with a golden set. At most one of
// RecordDir and CompareDir is set. Skipped scenarios are neither recorded
// nor compared.
type GoldenSettings struct {
	// RecordDir, when set, is where each scenario that passes is recorded
	// (package fixtures: normalised, credentials removed, one file per
	// scenario, written atomically). A scenario that fails is not recorded.
	RecordDir string
	// Overwrite lets a recording replace an existing golden file
	// (VPCONFORM_UPDATE_GOLDEN=1); otherwise the scenario fails saying so.
	Overwrite bool
	// CompareDir, when set, is the golden set each scenario is compared
	// with: a scenario without a golden file there fails naming the file; a
	// difference fails with a go-cmp diff (-want +got). A set holding no
	// recording at all skips every scenario, saying how to record it.
	CompareDir string
	// Compare says which differences do not matter.
	Compare fixtures.CompareOptions
}

// EnvCompareOptions are the comparison options of the targets built from
// the environment: the numbering of time placeholders is ignored, because
// a target with a running clock may mint a distinct time where the recorded
// one (a fake with a fixed clock) repeated one, or the reverse. Whether
// times advance is what the Dates scenarios check.
func EnvCompareOptions() fixtures.CompareOptions {
	return fixtures.CompareOptions{IgnoreNumbering: []string{"TIME"}}
}

// FromEnv returns g updated from the environment: VPCONFORM_RECORD_DIR
// (record mode, replacing a CompareDir given by default),
// VPCONFORM_GOLDEN_DIR (compare mode), VPCONFORM_UPDATE_GOLDEN=1 and
// VPCONFORM_COMPARE_IGNORE. Relative directories are taken from the module
// root (ModuleRoot), else the working directory. Setting both directories
// is an error.
func (g GoldenSettings) FromEnv() (GoldenSettings, error) {
	rec, cmp := os.Getenv(RecordDirEnv), os.Getenv(GoldenDirEnv)
	if rec != "" && cmp != "" {
		return g, fmt.Errorf("specs: set %s (record) or %s (compare), not both", RecordDirEnv, GoldenDirEnv)
	}
	if rec != "" {
		g.RecordDir, g.CompareDir = absDir(rec), ""
	}
	if cmp != "" {
		g.CompareDir, g.RecordDir = absDir(cmp), ""
	}
	if os.Getenv(UpdateGoldenEnv) == "1" {
		g.Overwrite = true
	}
	for _, p := range strings.Split(os.Getenv(CompareIgnoreEnv), ",") {
		if p = strings.TrimSpace(p); p != "" {
			g.Compare.Volatile = append(g.Compare.Volatile, p)
		}
	}
	return g, nil
}

// absDir makes dir absolute against the module root, else the working
// directory: go test runs a suite in its package directory, where a path
// given relative to the repository would otherwise land.
func absDir(dir string) string {
	if filepath.IsAbs(dir) {
		return dir
	}
	if root, err := ModuleRoot(); err == nil {
		return filepath.Join(root, dir)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// VolatileFor is what a recording of a target kind marks volatile: for
// "aws", the text of error messages, which AWS words as it likes and may
// reword any day; nothing for a fake or an endpoint, whose every byte is
// reproducible. It is fixtures.VolatileFor, which the proxy shares.
func VolatileFor(kind string) []string {
	return fixtures.VolatileFor(kind)
}

// goldenSets caches fixtures.LoadSet per directory: every scenario of a run
// asks for the same set.
var goldenSets sync.Map // dir → goldenSet

type goldenSet struct {
	set fixtures.Set
	err error
}

func loadGoldenSet(dir string) (fixtures.Set, error) {
	if v, ok := goldenSets.Load(dir); ok {
		gs := v.(goldenSet)
		return gs.set, gs.err
	}
	set, err := fixtures.LoadSet(dir)
	if err == nil && set.Files == 0 {
		// An empty set is not cached: a recording may fill it later in the
		// same process (tests do).
		return set, nil
	}
	goldenSets.Store(dir, goldenSet{set, err})
	return set, err
}

// goldenRef is the golden file a scenario is compared with.
type goldenRef struct {
	path   string
	golden fixtures.Golden
}

// prepareGolden, in compare mode, loads the scenario's golden file: it
// skips the spec when the golden set holds no recording at all or was
// recorded without a capability the scenario needs, and fails it when the
// scenario's file is missing. It returns nil outside compare mode.
func (s *session) prepareGolden() *goldenRef {
	GinkgoHelper()
	dir := s.target.Golden.CompareDir
	if dir == "" {
		return nil
	}
	set, err := loadGoldenSet(dir)
	if err != nil {
		Fail(fmt.Sprintf("compare: %v", err))
	}
	if set.Files == 0 {
		Skip(fmt.Sprintf("compare: the golden set %s holds no recordings yet; record it first (make record TARGET=%s, see %s)",
			dir, filepath.Base(dir), filepath.Join(dir, "README.md")))
	}
	for _, c := range s.scenario.Needs {
		if !slices.Contains(set.Provenance.Capabilities, string(c)) {
			Skip(fmt.Sprintf("compare: the golden set %s was recorded from a %s target without capability %q, so it holds no recording of %s",
				dir, set.Provenance.Target, c, s.scenario.ID))
		}
	}
	name, err := fixtures.FileName(s.scenario.ID)
	if err != nil {
		Fail(fmt.Sprintf("compare: %v", err))
	}
	g, err := fixtures.Load(dir, s.scenario.ID)
	if err != nil {
		AddReportEntry(goldenEntry, "no golden file "+filepath.Join(dir, name), ReportEntryVisibilityNever)
		Fail(fmt.Sprintf("compare: %v", err))
	}
	// Advisory expectations rest on inference; a recording from AWS is
	// better evidence, whatever the scenario's letter.
	if g.Provenance.Target == "aws" {
		s.goldenAuthority = true
	}
	return &goldenRef{path: filepath.Join(dir, name), golden: g}
}

// finishGolden records the scenario's exchanges or compares them with ref,
// after every cleanup of the scenario has run. Register calls it.
func (s *session) finishGolden(ctx context.Context, ref *goldenRef) {
	GinkgoHelper()
	g := s.target.Golden
	if g.RecordDir == "" && ref == nil {
		return
	}
	report := CurrentSpecReport()
	if report.State == types.SpecStateSkipped {
		return
	}
	failed := report.Failed()
	xs := fixtures.Normalize(s.goldenExchanges(), s.redactions(ctx))

	if g.RecordDir != "" {
		if failed {
			AddReportEntry(goldenEntry, "not recorded: the scenario failed", ReportEntryVisibilityNever)
			return
		}
		prov := fixtures.NewProvenance(s.target.kind(), s.target.RawEndpoint(), s.target.AWSConfig.Region, s.target.now())
		for _, c := range s.target.Capabilities {
			prov.Capabilities = append(prov.Capabilities, string(c))
		}
		slices.Sort(prov.Capabilities)
		path, err := fixtures.Write(g.RecordDir, fixtures.Golden{
			Provenance: prov,
			Scenario:   s.scenario.ID,
			Volatile:   VolatileFor(s.target.kind()),
			Exchanges:  xs,
		}, g.Overwrite)
		if err != nil {
			AddReportEntry(goldenEntry, "not recorded: "+err.Error(), ReportEntryVisibilityNever)
			Fail(fmt.Sprintf("record: %v", err))
		}
		AddReportEntry(goldenEntry, "wrote "+path, ReportEntryVisibilityNever)
		return
	}

	if len(s.overridden) > 0 {
		AddReportEntry(noteEntry, OverriddenNote+" ("+strings.Join(s.overridden, "; ")+")", ReportEntryVisibilityNever)
	}
	diff := fixtures.Compare(ref.golden, xs, g.Compare)
	if diff == "" {
		AddReportEntry(goldenEntry, "matches "+ref.path, ReportEntryVisibilityNever)
		return
	}
	AddReportEntry(goldenEntry, "differs from "+ref.path, ReportEntryVisibilityNever)
	msg := fmt.Sprintf("compare: golden file %s: %s", ref.path, diff)
	if failed {
		// The spec has failed already; the diff still helps.
		GinkgoWriter.Println(msg)
		return
	}
	Fail(msg)
}

// goldenExchanges are the session's exchanges as fixtures records them:
// only the kept response headers, and of each polling loop only the final
// attempt.
func (s *session) goldenExchanges() []fixtures.RawExchange {
	var raw []fixtures.RawExchange
	for _, r := range s.transport.all() {
		x := fixtures.Capture("", r.RequestBody, r.Status, r.Header, r.ResponseBody)
		x.Operation = r.Operation
		x.Poll, x.Attempt = r.poll, r.attempt
		raw = append(raw, x)
	}
	return fixtures.FinalAttempts(raw)
}

// redactions are the credentials of the target's clients and every other
// credential the session signed with: none may reach a golden file.
func (s *session) redactions(ctx context.Context) fixtures.Redactions {
	var red fixtures.Redactions
	if p := s.target.AWSConfig.Credentials; p != nil {
		if c, err := p.Retrieve(ctx); err == nil {
			red.AddCredentials(c)
		}
	}
	if d := s.target.DeniedAWSConfig; d != nil && d.Credentials != nil {
		if c, err := d.Credentials.Retrieve(ctx); err == nil {
			red.AddCredentials(c)
		}
	}
	s.mu.Lock()
	red.Add(s.secrets...)
	s.mu.Unlock()
	return red
}

// goldenLines lists what happened to the golden file of each scenario of
// a target, for the summary after the suite.
func goldenLines(c Conformance) (lines []string) {
	for _, r := range c.Scenarios {
		if r.Golden != "" {
			lines = append(lines, r.ID+": "+r.Golden)
		}
	}
	return lines
}

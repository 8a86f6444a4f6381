package specs

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/catalogue.txt from Catalogue()")

const manifestFile = "testdata/catalogue.txt"

// minScenarios is the least number of scenarios the catalogue holds.
const minScenarios = 40

// TestCatalogueManifest keeps testdata/catalogue.txt equal to Catalogue().
func TestCatalogueManifest(t *testing.T) {
	got := manifest(Catalogue())
	if *update {
		if err := os.MkdirAll(filepath.Dir(manifestFile), 0o755); err != nil {
			t.Fatalf("create %s: %v", filepath.Dir(manifestFile), err)
		}
		tmp := manifestFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(got), 0o644); err != nil {
			t.Fatalf("write %s: %v", tmp, err)
		}
		if err := os.Rename(tmp, manifestFile); err != nil {
			t.Fatalf("replace %s: %v", manifestFile, err)
		}
		return
	}
	want, err := os.ReadFile(manifestFile)
	if err != nil {
		t.Fatalf("read the manifest (regenerate with: go test ./specs -run TestCatalogueManifest -update): %v", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s differs from Catalogue() (-manifest +catalogue); if the change is intended, regenerate with: go test ./specs -run TestCatalogueManifest -update\n%s", manifestFile, diff)
	}
}

// TestCatalogueWellFormed checks every scenario's declaration, that ids are
// unique, and that the catalogue is large enough.
func TestCatalogueWellFormed(t *testing.T) {
	cat := Catalogue()
	if len(cat) < minScenarios {
		t.Errorf("the catalogue has %d scenarios, want at least %d", len(cat), minScenarios)
	}
	seen := map[string]bool{}
	for _, sc := range cat {
		if err := sc.check(); err != nil {
			t.Error(err)
		}
		if seen[sc.ID] {
			t.Errorf("scenario id %q is not unique", sc.ID)
		}
		seen[sc.ID] = true
		for _, c := range sc.Needs {
			known := false
			for _, k := range capabilities() {
				known = known || k == c
			}
			if !known {
				t.Errorf("scenario %q needs unknown capability %q", sc.ID, c)
			}
		}
	}
}

// TestScenarioCheckRejects shows that Check notices malformed declarations.
func TestScenarioCheckRejects(t *testing.T) {
	good := Catalogue()[0]
	for name, mutate := range map[string]func(*Scenario){
		"lower-case segment": func(sc *Scenario) { sc.ID = sc.Operation + "/notFound" },
		"one segment":        func(sc *Scenario) { sc.ID = sc.Operation },
		"other operation":    func(sc *Scenario) { sc.Operation = "ListIdentitySources" },
		"no MUST":            func(sc *Scenario) { sc.Description = "returns things." },
		"bad kind":           func(sc *Scenario) { sc.Kind = "sad" },
		"bad evidence":       func(sc *Scenario) { sc.Evidence = "X" },
		"no Run":             func(sc *Scenario) { sc.run = nil },
	} {
		sc := good
		mutate(&sc)
		if sc.check() == nil {
			t.Errorf("%s: Check accepted %+v", name, sc.ID)
		}
	}
}

func TestCognitoIssuer(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5",
		"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_9z8y7x6w5": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_9z8y7x6w5",
		"arn:aws:s3:::bucket": "",
		"not an arn":          "",
	} {
		if got := cognitoIssuer(arn); got != want {
			t.Errorf("CognitoIssuer(%q) = %q, want %q", arn, got, want)
		}
	}
}

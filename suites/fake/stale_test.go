package fake_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/fixtures"
	"github.com/vpconform/vpconform/specs"
)

// TestGoldenSetHasNoStaleFiles: every file of fixtures/testdata/fake is the
// golden file of a scenario of the catalogue (the comparison in TestFake
// checks the reverse), so a scenario renamed or removed leaves no file
// behind that nothing compares any more.
func TestGoldenSetHasNoStaleFiles(t *testing.T) {
	root, err := specs.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, sc := range specs.Catalogue() {
		name, err := fixtures.FileName(sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = true
	}
	entries, err := os.ReadDir(filepath.Join(root, goldenDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !want[e.Name()] {
			t.Errorf("%s/%s belongs to no scenario of the catalogue: delete it", goldenDir, e.Name())
		}
	}
}

package specs

import "strings"

// Manifest renders the catalogue as the checked-in manifest
// testdata/catalogue.txt: a comment header, then one line per scenario,
// sorted by id, with id, kind, evidence and description separated by tabs.
func Manifest(catalogue []Scenario) string {
	var b strings.Builder
	b.WriteString("# vpconform scenario catalogue: id, kind, evidence, description (tab-separated).\n")
	b.WriteString("# Generated; regenerate with: go test ./specs -run TestCatalogueManifest -update\n")
	for _, sc := range catalogue {
		b.WriteString(strings.Join([]string{sc.ID, sc.Kind, sc.Evidence, sc.Description}, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

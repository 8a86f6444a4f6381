package specs

import "strings"

// manifest renders the scenarios (the catalogue) as the checked-in manifest
// testdata/catalogue.txt: a comment header, then one line per scenario,
// sorted by id, with id, kind, evidence and description separated by tabs.
func manifest(scenarios []Scenario) string {
	var b strings.Builder
	b.WriteString("# vpconform scenario catalogue: id, kind, evidence, description (tab-separated).\n")
	b.WriteString("# Generated; regenerate with: go test ./specs -run TestCatalogueManifest -update\n")
	for _, sc := range scenarios {
		b.WriteString(strings.Join([]string{sc.ID, string(sc.Kind), string(sc.Evidence), sc.Description}, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

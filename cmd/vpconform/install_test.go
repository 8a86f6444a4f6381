package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/internal/deviations"
	"github.com/vpconform/vpconform/specs"
)

// TestInstalledCommandsCertifyAnEndpoint installs vpconform and vpfake with
// go install into a temporary GOBIN, as a user of the module would, starts
// vpfake and runs vpconform -endpoint against it: exit status 0, a report
// whose junit.xml parses with one test case per scenario; then against a
// fake with one deliberate deviation: exit status 1.
func TestInstalledCommandsCertifyAnEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the commands and runs the catalogue twice; not in -short")
	}
	root, err := specs.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	gobin := t.TempDir()
	install := exec.Command("go", "install", "./cmd/vpconform", "./fake/cmd/vpfake")
	install.Dir = root
	install.Env = append(cleanEnv(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	vpconform, vpfake := filepath.Join(gobin, "vpconform"), filepath.Join(gobin, "vpfake")
	for _, bin := range []string{vpconform, vpfake} {
		out, err := exec.Command(bin, "-version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), filepath.Base(bin)+" ") {
			t.Errorf("%s -version: %v: %q, want %q and a version", bin, err, out, filepath.Base(bin)+" ")
		}
	}

	endpoint := startVpfake(t, vpfake)
	reports := t.TempDir()
	out, code := runVpconform(t, vpconform, "-endpoint", endpoint, "-report-dir", reports)
	if code != exitOK {
		t.Fatalf("vpconform against vpfake: exit status %d, want %d\n%s", code, exitOK, tailLines(out, 40))
	}
	c := readReport(t, filepath.Join(reports, "endpoint"))
	if len(c.Scenarios) != len(specs.Catalogue()) || c.Summary.Failed != 0 || c.Summary.Passed == 0 {
		t.Errorf("report: %s, want all %d scenarios, none failed", c.SummaryLine(), len(specs.Catalogue()))
	}
	cases := junitCases(t, filepath.Join(reports, "endpoint", "junit.xml"))
	if len(cases) != len(c.Scenarios) {
		t.Errorf("junit.xml has %d test cases, want one per scenario, %d", len(cases), len(c.Scenarios))
	}
	for _, sc := range c.Scenarios {
		if !slices.ContainsFunc(cases, func(name string) bool { return strings.Contains(name, sc.ID+":") }) {
			t.Errorf("junit.xml has no test case for %s", sc.ID)
			break
		}
	}

	d, ok := deviations.ByName("client-ids-omitted")
	if !ok {
		t.Fatal("no deviation client-ids-omitted")
	}
	deviant := httptest.NewServer(deviations.Wrap(fake.NewServer(fake.WithoutListener()).Handler(), d))
	defer deviant.Close()
	reports = t.TempDir()
	out, code = runVpconform(t, vpconform, "-endpoint", deviant.URL, "-report-dir", reports)
	if code != exitFailed {
		t.Fatalf("vpconform against a fake with the deviation %s: exit status %d, want %d\n%s", d.Name, code, exitFailed, tailLines(out, 40))
	}
	c = readReport(t, filepath.Join(reports, "endpoint"))
	if c.Summary.Failed == 0 {
		t.Errorf("report against %s: %s, want failures", d.Name, c.SummaryLine())
	}
	if !strings.Contains(out, "vpconform: report in "+reports) {
		t.Errorf("the output does not end with where the report is:\n%s", tailLines(out, 15))
	}
}

// cleanEnv is the environment without the variables of the caller that
// would change a run (VPCONFORM_*, AWS_*, GOFLAGS).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "VPCONFORM_") || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "VPFAKE_") || k == "GOFLAGS" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// startVpfake starts the vpfake binary on a free port and returns its URL;
// the test stops it.
func startVpfake(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	cmd.Env = cleanEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	var seen []string
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("vpfake exited before listening:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if u, found := strings.CutPrefix(l, "vpfake listening on "); found {
				go func() {
					for range lines { // keep draining so vpfake never blocks on its log
					}
				}()
				return u
			}
		case <-deadline:
			t.Fatalf("vpfake did not say it was listening within 30s:\n%s", strings.Join(seen, "\n"))
		}
	}
}

// runVpconform runs the vpconform binary with args and returns its output
// and exit status.
func runVpconform(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("run %s: %v\n%s", bin, err, out)
		return "", -1
	}
}

// readReport decodes the conformance.json in dir.
func readReport(t *testing.T, dir string) specs.Conformance {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c specs.Conformance
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("decode %s: %v", filepath.Join(dir, "conformance.json"), err)
	}
	return c
}

// junitCases parses a JUnit XML file and returns the names of its test
// cases.
func junitCases(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not JUnit XML: %v", path, err)
	}
	var names []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			names = append(names, c.Name)
		}
	}
	return names
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

package readme_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/specs"
)

// block is one fenced code block of the README.
type block struct {
	line   int    // line of the opening fence, from 1
	marker string // the HTML comment just before the fence, "" for none
	text   string // the lines between the fences, each ending in "\n"
}

// markerPattern matches the comment that says where a block comes from.
var markerPattern = regexp.MustCompile(`^<!-- (from: (\S+)|make) -->$`)

// readmeBlocks returns the fenced code blocks of the README at path.
func readmeBlocks(path string) ([]block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var blocks []block
	var cur *block
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{line: n}
			if markerPattern.MatchString(prev) {
				cur.marker = prev
			}
		case cur != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: a code block is never closed", path, cur.line)
	}
	return blocks, nil
}

// TestREADMECodeBlocksAreTested: every code block of README.md is marked
// with where it comes from, and still matches it.
func TestREADMECodeBlocksAreTested(t *testing.T) {
	root, err := specs.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems(root, filepath.Join(root, "README.md")) {
		t.Error(p)
	}
}

// problems lists what is wrong with the code blocks of the README at path,
// against the files under root.
func problems(root, path string) []string {
	blocks, err := readmeBlocks(path)
	if err != nil {
		return []string{err.Error()}
	}
	if len(blocks) == 0 {
		return []string{path + " has no code block"}
	}
	name := filepath.Base(path)
	var out []string
	for _, b := range blocks {
		m := markerPattern.FindStringSubmatch(b.marker)
		switch {
		case m == nil:
			out = append(out, fmt.Sprintf("%s:%d: a code block without a marker; precede it with <!-- from: examples/… --> (the file it is copied from, which a test runs) or <!-- make --> (make commands, checked with make -n)", name, b.line))
		case m[2] != "":
			out = append(out, checkCopied(root, name, b, m[2])...)
		default:
			out = append(out, checkMakeCommands(root, name, b)...)
		}
	}
	return out
}

// checkCopied says whether the block differs from the file it says it is
// copied from, which must be under examples/.
func checkCopied(root, name string, b block, path string) []string {
	if !strings.HasPrefix(path, "examples/") {
		return []string{fmt.Sprintf("%s:%d: copied from %s, which is not under examples/ (whose files the tests run)", name, b.line, path)}
	}
	want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		return []string{fmt.Sprintf("%s:%d: %v", name, b.line, err)}
	}
	if got := b.text; strings.TrimRight(got, "\n") != strings.TrimRight(string(want), "\n") {
		return []string{fmt.Sprintf("%s:%d: the block differs from %s; copy the file again:\n%s", name, b.line, path, firstDifference(got, string(want)))}
	}
	return nil
}

// firstDifference shows the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "  line " + strconv.Itoa(i+1) + " of the block:  " + gl + "\n  line " + strconv.Itoa(i+1) + " of the file:   " + wl
		}
	}
	return ""
}

// makeCommand matches a make command line: variable assignments, then make
// and its arguments.
var makeCommand = regexp.MustCompile(`^((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)make(\s.*)$`)

// checkMakeCommands asserts every line of the block is a make command
// (comments after # allowed) that make -n accepts, run by the shell as a
// user would type it: its target exists and its recipe expands.
func checkMakeCommands(root, name string, b block) []string {
	var out []string
	for i, line := range strings.Split(strings.TrimRight(b.text, "\n"), "\n") {
		cmdline, _, _ := strings.Cut(line, "#")
		cmdline = strings.TrimSpace(cmdline)
		if cmdline == "" {
			continue
		}
		m := makeCommand.FindStringSubmatch(cmdline)
		if m == nil || strings.TrimSpace(m[2]) == "" {
			out = append(out, fmt.Sprintf("%s:%d: %q in a <!-- make --> block is not a make command with a target", name, b.line+1+i, line))
			continue
		}
		cmd := exec.Command("sh", "-c", m[1]+"make -n"+m[2])
		cmd.Dir = root
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			out = append(out, fmt.Sprintf("%s:%d: make -n%s: %v\n%s", name, b.line+1+i, m[2], err, buf.String()))
		}
	}
	return out
}

// TestDriftIsCaught: the check fails a README whose block no longer matches
// its file, whose block has no marker, or whose make command has no target.
func TestDriftIsCaught(t *testing.T) {
	root, err := specs.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(root, "examples", "cli", "example.sh"))
	if err != nil {
		t.Fatal(err)
	}
	drifted := strings.Replace(string(file), "client-a", "client-z", 1)
	readme := "# t\n\n<!-- from: examples/cli/example.sh -->\n```sh\n" + string(file) + "```\n\n" +
		"<!-- from: examples/cli/example.sh -->\n```sh\n" + drifted + "```\n\n" +
		"```sh\nmake test\n```\n\n" +
		"<!-- make -->\n```sh\nmake test   # fine\nmake no-such-target\nls -l\n```\n\n" +
		"<!-- from: fake/doc.go -->\n```go\npackage fake\n```\n"
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	got := problems(root, path)
	for _, want := range []string{
		"the block differs from examples/cli/example.sh",
		"a code block without a marker",
		"make -n no-such-target",
		`"ls -l" in a <!-- make --> block is not a make command`,
		"copied from fake/doc.go, which is not under examples/",
	} {
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("no problem reported with %q; got:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(got) != 5 {
		t.Errorf("%d problems, want 5 (the matching block and make test are fine):\n%s", len(got), strings.Join(got, "\n"))
	}
}

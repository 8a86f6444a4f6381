package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/specs"
)

// Distinctive credentials and account: none of them may reach a recording.
const (
	distinctiveKey     = "AKIDZZDISTINCTIVE7Q3"
	distinctiveSecret  = "zz-distinctive/secret+KEY-4242"
	distinctiveToken   = "ZZDISTINCTIVESESSIONTOKEN0000xyz"
	distinctiveAccount = "918273645501"
)

// recordingTest starts a test that records in subprocesses: skipped with
// -short, run in parallel, and bounded by the context it returns.
func recordingTest(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("records the catalogue in subprocesses")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// recordChild runs this test binary's Ginkgo suite, the golden fake only, in
// record mode into dir with the distinctive credentials, and returns the
// command (started, not waited for) and its output.
func recordChild(t *testing.T, ctx context.Context, dir string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFake$", "-ginkgo.focus=golden", "-ginkgo.no-color")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VPCONFORM_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env,
		specs.RecordDirEnv+"="+dir,
		specs.ReportDirEnv+"="+t.TempDir(),
		testAccessKeyEnv+"="+distinctiveKey,
		testSecretEnv+"="+distinctiveSecret,
		testSessionTokenEnv+"="+distinctiveToken,
		testAccountEnv+"="+distinctiveAccount,
	)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// TestRecording records the whole catalogue from the golden fake three
// times at once, in three processes, with an access key, secret, session
// token and account id that are distinctive strings, and kills the third
// (SIGKILL) once it has written a few files. Its subtests check the
// recordings. (One test rather than two, so that the three processes run
// side by side, beside TestFake, and the full recording the killed one is
// compared with is one of the other two.)
func TestRecording(t *testing.T) {
	ctx := recordingTest(t)
	a, b, cut := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "cut")
	type recording struct {
		dir  string
		cmd  *exec.Cmd
		out  *bytes.Buffer
		done chan struct{} // closed once the process has ended
		err  error         // how it ended
	}
	start := func(dir string) *recording {
		cmd, out := recordChild(t, ctx, dir)
		r := &recording{dir: dir, cmd: cmd, out: out, done: make(chan struct{})}
		go func() {
			defer close(r.done)
			r.err = cmd.Wait()
		}()
		return r
	}
	full, killed := []*recording{start(a), start(b)}, start(cut)
	files := func() int { entries, _ := os.ReadDir(cut); return len(entries) }
wait:
	for files() < 10 {
		select {
		case <-killed.done:
			if files() >= 10 {
				break wait // it ended by itself: checkInterrupted says so
			}
			t.Fatalf("the recording to kill ended (%v) before it wrote 10 files\n%s", killed.err, killed.out)
		case <-ctx.Done():
			t.Fatal("the recording to kill never wrote 10 files")
		case <-time.After(time.Millisecond):
		}
	}
	_ = killed.cmd.Process.Kill()
	<-killed.done
	for _, r := range full {
		<-r.done
		if r.err != nil {
			t.Fatalf("recording into %s: %v\n%s", r.dir, r.err, r.out)
		}
	}
	t.Run("IsReproducibleAndKeepsNoCredentials", func(t *testing.T) { checkReproducible(t, a, b) })
	t.Run("InterruptedLeavesNoPartialFile", func(t *testing.T) { checkInterrupted(t, a, cut) })
}

// checkReproducible checks two full recordings, in the directories a and b:
// they hold the same files, byte for byte, one per scenario, and no file
// holds any of the distinctive strings (the access key reaches a response
// body, in the injected AccessDeniedException, and is redacted).
func checkReproducible(t *testing.T, dirA, dirB string) {
	a, b := readDir(t, dirA), readDir(t, dirB)
	if want := len(specs.Catalogue()); len(a) != want {
		t.Errorf("recorded %d files, want one per scenario: %d", len(a), want)
	}
	redacted := 0
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two recordings:\n%s\n---\n%s", name, data, b[name])
		}
		if !strings.HasSuffix(name, ".json") || !json.Valid(data) {
			t.Errorf("%s is not a complete golden file", name)
		}
		for _, secret := range []string{distinctiveKey, distinctiveSecret, distinctiveToken, distinctiveAccount} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s contains %q", name, secret)
			}
		}
		redacted += bytes.Count(data, []byte("<REDACTED>"))
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("%s recorded only the second time", name)
		}
	}
	if redacted == 0 {
		t.Error("no <REDACTED> anywhere: the access key never reached a body, so redaction went untested")
	}
}

// checkInterrupted checks the recording in cut, killed once it had written
// a few files, against the full one in full: every golden file left is
// complete (it parses, and it is byte for byte what the full recording
// wrote), and anything else is a hidden temporary file
// (".<name>.json.*.tmp", which golden sets and git ignore, and which the
// next recording of that file removes: see fixtures'
// TestWriteRemovesTemporariesOfAKilledRecording).
func checkInterrupted(t *testing.T, full, cut string) {
	want := readDir(t, full)
	got := readDir(t, cut)
	if len(got) >= len(want) {
		t.Logf("the recording finished before it was killed (%d files)", len(got))
	}
	for name, data := range got {
		switch {
		case strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp"):
			t.Logf("temporary file left by SIGKILL: %s", name)
		case !bytes.Equal(data, want[name]):
			t.Errorf("%s is partial or differs from the full recording:\n%s", name, data)
		}
	}
}

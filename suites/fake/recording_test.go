package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// TestRecordingIsReproducibleAndKeepsNoCredentials records the whole
// catalogue from the golden fake twice, in two processes, with an access
// key, secret, session token and account id that are distinctive strings:
// the two directories hold the same files, byte for byte, one per scenario,
// and no file holds any of the distinctive strings (the access key reaches
// a response body, in the injected AccessDeniedException, and is redacted).
func TestRecordingIsReproducibleAndKeepsNoCredentials(t *testing.T) {
	ctx := recordingTest(t)
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	var wg sync.WaitGroup
	for _, dir := range dirs {
		cmd, out := recordChild(t, ctx, dir)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cmd.Wait(); err != nil {
				t.Errorf("recording into %s: %v\n%s", dir, err, out)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	a, b := readDir(t, dirs[0]), readDir(t, dirs[1])
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

// TestInterruptedRecordingLeavesNoPartialFile kills a recording (SIGKILL)
// once it has written a few files: every golden file left is complete (it
// parses, and it is byte for byte what a full recording writes), and
// anything else is a hidden temporary file (".<name>.json.*.tmp", which
// golden sets and git ignore, and which the next recording of that file
// removes: see fixtures' TestWriteRemovesTemporariesOfAKilledRecording).
func TestInterruptedRecordingLeavesNoPartialFile(t *testing.T) {
	ctx := recordingTest(t)
	full, cut := filepath.Join(t.TempDir(), "full"), filepath.Join(t.TempDir(), "cut")
	fullCmd, fullOut := recordChild(t, ctx, full)
	cutCmd, _ := recordChild(t, ctx, cut)
	for {
		entries, _ := os.ReadDir(cut)
		if len(entries) >= 10 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the recording never wrote 10 files")
		}
		time.Sleep(time.Millisecond)
	}
	_ = cutCmd.Process.Kill()
	_ = cutCmd.Wait()
	if err := fullCmd.Wait(); err != nil {
		t.Fatalf("full recording: %v\n%s", err, fullOut)
	}
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

package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega/gbytes"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

func stateConfig(path string) config {
	cfg := local()
	cfg.stateFile = path
	return cfg
}

// writeFile writes content, with permissions perm, to a file called name
// in a new temporary directory and returns its path.
func writeFile(t *testing.T, name, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitForFile waits until the file at path contains want.
func waitForFile(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not contain %q after 5s (%v):\n%s", path, want, err, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStateFileRoundTrip starts vpfake with a state file that does not
// exist, makes policy stores and identity sources through the SDK, updates
// one, stops, starts again from the file, and reads every resource back
// exactly as it was, dates included.
func TestStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serve(t, stateConfig(path))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the state file exists before any change: %v", err)
	}
	if !strings.Contains(string(s.logs.Contents()), "does not exist yet") {
		t.Errorf("log does not say the state file is new:\n%s", string(s.logs.Contents()))
	}

	r := sdktest.Populate(t, s.client(), nil)
	// The changes are written soon after they are made, not only at
	// shutdown.
	waitForFile(t, path, r.Sources[1])
	want := r.ReadBack(t, s.client())
	// Stop at once: the last change, the update, is written at shutdown if
	// not before.
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatalf("run: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "MyCorp::Employee") {
		t.Fatalf("state file after shutdown lacks the update (%v):\n%s", err, b)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}

	s = serve(t, stateConfig(path))
	if !strings.Contains(string(s.logs.Contents()), "loaded 2 policy store(s) and 2 identity source(s)") {
		t.Errorf("log does not say what was loaded:\n%s", string(s.logs.Contents()))
	}
	if diff := cmp.Diff(want, r.ReadBack(t, s.client())); diff != "" {
		t.Errorf("read back after a restart (-before +after):\n%s", diff)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatalf("run: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, after) {
		t.Errorf("a run that changed nothing rewrote the state file (%v)", err)
	}
}

// TestStateRoutesAndFile: PUT /_vpfake/state sets the state and the file;
// GET answers it, before and after a restart; a bad PUT is a 400 that
// changes neither.
func TestStateRoutesAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := serve(t, stateConfig(path))
	base := s.base + "/_vpfake/state"
	const doc = `{"formatVersion":1,"policyStores":[{"policyStoreId":"store-1",` +
		`"arn":"arn:aws:verifiedpermissions::123456789012:policy-store/store-1","validationSettings":{"mode":"STRICT"},` +
		`"deletionProtection":"DISABLED","createdDate":"2024-08-12T18:20:50.99Z","lastUpdatedDate":"2024-08-12T18:20:51Z",` +
		`"identitySources":[{"identitySourceId":"source-1","principalEntityType":"AWS::Cognito",` +
		`"configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5","clientIds":["c1"]}},` +
		`"createdDate":"2024-08-12T18:20:51Z","lastUpdatedDate":"2024-08-12T18:20:51Z"}]}]}`
	if code, body := control(t, "PUT", base, doc); code != 200 || body != "{}" {
		t.Fatalf("PUT: HTTP %d %s", code, body)
	}
	if code, body := control(t, "GET", base, ""); code != 200 || body != doc {
		t.Errorf("GET after PUT: HTTP %d\n%s\nwant\n%s", code, body, doc)
	}
	waitForFile(t, path, `"source-1"`)
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code, body := control(t, "PUT", base, strings.Replace(doc, `"STRICT"`, `"LAX"`, 1))
	if code != http.StatusBadRequest || !strings.Contains(body, "policyStores[0] (policy store store-1): validationSettings.mode") {
		t.Errorf("bad PUT: HTTP %d %s", code, body)
	}
	if code, body := control(t, "GET", base, ""); body != doc {
		t.Errorf("GET after a bad PUT: HTTP %d %s", code, body)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(saved, after) {
		t.Errorf("a bad PUT changed the state file:\n%s", after)
	}

	s = serve(t, stateConfig(path))
	if code, body := control(t, "GET", s.base+"/_vpfake/state", ""); code != 200 || body != doc {
		t.Errorf("GET after a restart: HTTP %d\n%s\nwant\n%s", code, body, doc)
	}
}

// TestBadStateFileRefused: a state file that is not JSON, or not a valid
// state, stops vpfake at start with an error naming the file and the line
// and column or the item, and the file is left byte for byte as it was.
func TestBadStateFileRefused(t *testing.T) {
	const arn = "arn:aws:verifiedpermissions::123456789012:policy-store/"
	storeWith := func(configuration string) string {
		return "{\n  \"formatVersion\": 1,\n  \"policyStores\": [\n    {\n      \"policyStoreId\": \"store-1\",\n" +
			"      \"arn\": \"" + arn + "store-1\",\n      \"validationSettings\": {\"mode\": \"OFF\"},\n" +
			"      \"createdDate\": \"2024-08-12T18:20:50Z\",\n      \"lastUpdatedDate\": \"2024-08-12T18:20:50Z\",\n" +
			"      \"identitySources\": [\n        {\"identitySourceId\": \"source-1\", \"principalEntityType\": \"AWS::Cognito\",\n" +
			"         \"configuration\": " + configuration + ",\n" +
			"         \"createdDate\": \"2024-08-12T18:20:50Z\", \"lastUpdatedDate\": \"2024-08-12T18:20:50Z\"}\n      ]\n    }\n  ]\n}\n"
	}
	cases := []struct {
		name, content string
		want          []string
	}{
		{"syntax error", "{\n  \"formatVersion\": 1,\n  \"policyStores\": [\n    {\"policyStoreId\": \"store-1\",}\n  ]\n}\n",
			[]string{"line 4, column 33", "JSON syntax error", "left as it is"}},
		{"unknown member", strings.Replace(storeWith(`{"cognitoUserPoolConfiguration": {"userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"}}`),
			`"policyStoreId"`, `"policyStoreID"`, 1),
			[]string{"line 5, column 7", `policyStores[0] has no member "policyStoreID"`}},
		{"invalid identity source", storeWith(`{"cognitoUserPoolConfiguration": {"userPoolArn": "arn:aws:cognito-idp:us-east-1:1:userpool/pool"}}`),
			[]string{"is not a valid state", "policyStores[0].identitySources[0] (identity source source-1 of policy store store-1)",
				"configuration.cognitoUserPoolConfiguration.userPoolArn: Member must satisfy regular expression pattern"}},
		{"two identity sources", strings.Replace(storeWith(`{"cognitoUserPoolConfiguration": {"userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"}}`),
			"      ]\n", "      ,{\"identitySourceId\": \"source-2\", \"principalEntityType\": \"AWS::Cognito\", \"configuration\": {\"openIdConnectConfiguration\": {\"issuer\": \"https://a.example.com\", \"tokenSelection\": {\"accessTokenOnly\": {}}}}, \"createdDate\": \"2024-08-12T18:20:50Z\", \"lastUpdatedDate\": \"2024-08-12T18:20:50Z\"}]\n", 1),
			[]string{"policyStores[0] (policy store store-1): has 2 identity sources"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "state.json", c.content, 0o600)
			var stdout, stderr bytes.Buffer
			code := cli(context.Background(), []string{"-addr", "127.0.0.1:0", "-state-file", path}, envOf(nil), &stdout, &stderr)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			msg := stderr.String()
			for _, w := range append([]string{"state file " + path}, c.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, "listening") {
				t.Errorf("vpfake listened with a bad state file:\n%s", msg)
			}
			after, err := os.ReadFile(path)
			if err != nil || string(after) != c.content {
				t.Errorf("the state file changed (%v):\n%s", err, after)
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("files in the directory: %v", entries)
			}
		})
	}
}

// TestEmptyStateFile: an empty file (as mktemp makes) is an empty state,
// left alone until the first change.
func TestEmptyStateFile(t *testing.T) {
	path := writeFile(t, "state.json", "", 0o644)
	s := serve(t, stateConfig(path))
	if !strings.Contains(string(s.logs.Contents()), "is empty") {
		t.Errorf("log:\n%s", string(s.logs.Contents()))
	}
	if code, body := control(t, "GET", s.base+"/_vpfake/state", ""); code != 200 || body != `{"formatVersion":1,"policyStores":[]}` {
		t.Errorf("GET: HTTP %d %s", code, body)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || len(b) != 0 {
		t.Errorf("an unchanged empty state file was written (%v): %q", err, b)
	}

	s = serve(t, stateConfig(path))
	if _, err := s.client().CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput("")); err != nil {
		t.Fatal(err)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := fake.ParseState(b)
	if err != nil || len(st.PolicyStores) != 1 {
		t.Errorf("state file after a change (%v):\n%s", err, b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the state file's permissions changed: %v %v", fi.Mode(), err)
	}
}

// TestStateFileDirectoryMissing: a state file that could never be written
// is refused at start.
func TestStateFileDirectoryMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "state.json")
	err := run(context.Background(), stateConfig(path), gbytes.NewBuffer(), nil)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "cannot write") {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/internal/version"
)

func TestVersion(t *testing.T) {
	// -version needs nothing else to be right.
	var stdout, stderr bytes.Buffer
	code := cli(context.Background(), []string{"-version"}, envOf(map[string]string{"VPFAKE_SEED": "abc"}), &stdout, &stderr)
	if code != 0 || stdout.String() != "vpfake "+version.String()+"\n" || stderr.Len() != 0 {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout.String(), stderr.String(), "vpfake "+version.String()+"\n")
	}
	if !strings.HasPrefix(versionLine(), "vpfake ") || len(versionLine()) <= len("vpfake ") {
		t.Errorf("version line %q", versionLine())
	}
}

func TestHelpAndBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli(context.Background(), []string{"-h"}, envOf(nil), &stdout, &stderr); code != 0 || stderr.String() != usage(envOf(nil)) {
		t.Errorf("-h: exit %d, stderr:\n%s", code, stderr.String())
	}
	stderr.Reset()
	if code := cli(context.Background(), []string{"-port", "1"}, envOf(nil), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "port") || !strings.Contains(stderr.String(), "vpfake -h") {
		t.Errorf("unknown flag: exit %d, stderr:\n%s", code, stderr.String())
	}
}

// TestUsageDocumentsControlRoutes checks -h lists every control route, the
// fault members and errors, the state file and the retries of SDK clients.
func TestUsageDocumentsControlRoutes(t *testing.T) {
	u := usage(envOf(nil))
	want := []string{
		"GET    /_vpfake/health", "POST   /_vpfake/reset", "POST   /_vpfake/faults", "GET    /_vpfake/faults",
		"DELETE /_vpfake/faults", "POST   /_vpfake/ratelimits", "GET    /_vpfake/state", "PUT    /_vpfake/state",
		`"capabilities":["fault-injection","reset","state"]`,
		`"operation":`, `"error":`, `"count":`, `"delayMs":`, `"message":`, `"serviceCode":`, `"quotaCode":`, `"resources":`,
		`"resourceId":`, `"resourceType":`, `"perSecond":`, `"burst":`, `"formatVersion":1`,
		"-state-file", "VPFAKE_STATE_FILE", "-version",
		"SDK clients retry ThrottlingException and InternalServerException by default",
		"with count 1 is retried away", "set the client's max attempts to 1",
	}
	want = append(want, fake.FaultErrors()...)
	for _, w := range want {
		if !strings.Contains(u, w) {
			t.Errorf("usage lacks %q", w)
		}
	}
	for _, line := range strings.Split(usageNotes, "\n") {
		if len([]rune(line)) > 120 {
			t.Errorf("usage line is %d characters long: %s", len([]rune(line)), line)
		}
	}
}

// stoppableRun runs the server in the background on a free port; stop
// shuts it down and returns run's error.
func stoppableRun(t *testing.T, cfg config) (addr string, logs *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, logs, func(a string) { addrc <- a }) }()
	stopped := false
	var runErr error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			runErr = <-done
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case addr = <-addrc:
		return addr, logs, stop
	case err := <-done:
		t.Fatalf("run returned early: %v\n%s", err, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start")
	}
	return "", nil, nil
}

func stateConfig(path string) config {
	return config{addr: "127.0.0.1:0", region: "us-east-1", account: "123456789012", stateFile: path}
}

func sdkClient(addr string) *verifiedpermissions.Client {
	return verifiedpermissions.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
}

// resources are the policy stores and identity sources a test made.
type resources struct {
	stores  []string
	sources [][2]string // policy store id, identity source id
}

// readBack returns, as JSON, every member GetPolicyStore (with tags) and
// GetIdentitySource answer for each resource, dates included.
func (r resources) readBack(t *testing.T, vp *verifiedpermissions.Client) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	for _, id := range r.stores {
		got, err := vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(id), Tags: true})
		if err != nil {
			t.Fatalf("GetPolicyStore %s: %v", id, err)
		}
		add(got)
	}
	for _, ref := range r.sources {
		got, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: aws.String(ref[0]), IdentitySourceId: aws.String(ref[1]),
		})
		if err != nil {
			t.Fatalf("GetIdentitySource %s: %v", ref[1], err)
		}
		add(got)
	}
	return out
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
	addr, logs, stop := stoppableRun(t, stateConfig(path))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the state file exists before any change: %v", err)
	}
	if !strings.Contains(logs.String(), "does not exist yet") {
		t.Errorf("log does not say the state file is new:\n%s", logs.String())
	}

	vp := sdkClient(addr)
	ctx := context.Background()
	var r resources
	full, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeStrict},
		Description:        aws.String("expenses"),
		DeletionProtection: types.DeletionProtectionEnabled,
		EncryptionSettings: &types.EncryptionSettingsMemberKmsEncryptionSettings{Value: types.KmsEncryptionSettings{
			Key:               aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
			EncryptionContext: map[string]string{"application": "expenses"},
		}},
		Tags: map[string]string{"team": "identity"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each change is written soon after it is made, not only at shutdown.
	waitForFile(t, path, aws.ToString(full.PolicyStoreId))

	bare, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.stores = []string{aws.ToString(full.PolicyStoreId), aws.ToString(bare.PolicyStoreId)}
	cognito, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: full.PolicyStoreId,
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn:        aws.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_1a2b3c4d5"),
			ClientIds:          []string{"client-one"},
			GroupConfiguration: &types.CognitoGroupConfiguration{GroupEntityType: aws.String("MyCorp::Group")},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	oidc, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: bare.PolicyStoreId,
		Configuration: &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
			Issuer: aws.String("https://auth.example.com"),
			TokenSelection: &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
				Audiences: []string{"https://myapp.example.com"},
			}},
		}},
		PrincipalEntityType: aws.String("MyCorp::User"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r.sources = [][2]string{{r.stores[0], aws.ToString(cognito.IdentitySourceId)}, {r.stores[1], aws.ToString(oidc.IdentitySourceId)}}
	if _, err := vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId: bare.PolicyStoreId, IdentitySourceId: oidc.IdentitySourceId,
		UpdateConfiguration: &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
			Issuer:         aws.String("https://auth2.example.com"),
			EntityIdPrefix: aws.String("MyOIDCProvider"),
			TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{
				ClientIds: []string{"1example23456789"},
			}},
		}},
		PrincipalEntityType: aws.String("MyCorp::Employee"),
	}); err != nil {
		t.Fatal(err)
	}
	want := r.readBack(t, vp)
	// Stop at once: the last change is written at shutdown if not before.
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "https://auth2.example.com") {
		t.Fatalf("state file after shutdown lacks the update (%v):\n%s", err, b)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}

	addr, logs, stop = stoppableRun(t, stateConfig(path))
	if !strings.Contains(logs.String(), "loaded 2 policy store(s) and 2 identity source(s)") {
		t.Errorf("log does not say what was loaded:\n%s", logs.String())
	}
	if diff := cmp.Diff(want, r.readBack(t, sdkClient(addr))); diff != "" {
		t.Errorf("read back after a restart (-before +after):\n%s", diff)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, after) {
		t.Errorf("a run that changed nothing rewrote the state file (%v)", err)
	}
}

// control sends a control request to vpfake and returns the status and
// body.
func control(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestStateRoutesAndFile: PUT /_vpfake/state sets the state and the file;
// GET answers it, before and after a restart; a bad PUT is a 400 that
// changes neither.
func TestStateRoutesAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	addr, _, stop := stoppableRun(t, stateConfig(path))
	base := "http://" + addr + "/_vpfake/state"
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
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(saved, after) {
		t.Errorf("a bad PUT changed the state file:\n%s", after)
	}

	addr, _, _ = stoppableRun(t, stateConfig(path))
	if code, body := control(t, "GET", "http://"+addr+"/_vpfake/state", ""); code != 200 || body != doc {
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
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
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
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("files in the directory: %v", entries)
			}
		})
	}
}

// TestEmptyStateFile: an empty file (as mktemp makes) is an empty state,
// left alone until the first change.
func TestEmptyStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	addr, logs, stop := stoppableRun(t, stateConfig(path))
	if !strings.Contains(logs.String(), "is empty") {
		t.Errorf("log:\n%s", logs.String())
	}
	if code, body := control(t, "GET", "http://"+addr+"/_vpfake/state", ""); code != 200 || body != `{"formatVersion":1,"policyStores":[]}` {
		t.Errorf("GET: HTTP %d %s", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || len(b) != 0 {
		t.Errorf("an unchanged empty state file was written (%v): %q", err, b)
	}

	addr, _, stop = stoppableRun(t, stateConfig(path))
	if _, err := sdkClient(addr).CreatePolicyStore(context.Background(), &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	}); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
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
	err := run(context.Background(), stateConfig(path), &syncBuffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "cannot write") {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}

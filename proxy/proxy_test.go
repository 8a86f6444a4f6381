package proxy_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	vptypes "github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fixtures"
	"github.com/vpconform/vpconform/proxy"
	"github.com/vpconform/vpconform/schemas"
)

// The upstream's and the client's credentials: every one of these strings
// must stay out of the recording.
const (
	upstreamKeyID   = "AKIDPROXYUPSTREAM01"
	upstreamSecret  = "proxy-upstream-secret-0123456789"
	upstreamToken   = "proxy-upstream-session-token-0123456789"
	clientKeyID     = "AKIDPROXYCLIENT0001"
	clientSecret    = "proxy-client-secret-0123456789"
	clientToken     = "proxy-client-session-token-0123456789"
	region          = "us-east-1"
	userPoolArn     = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	secondPoolArn   = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_9z8y7x6w5"
	missingSourceID = "ISmissingsource0000000"
)

var secrets = []string{upstreamKeyID, upstreamSecret, upstreamToken, clientKeyID, clientSecret, clientToken}

// logBuffer is a log destination the proxy's handlers and the test share.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines holding every one of parts.
func (b *logBuffer) lines(parts ...string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		ok := l != ""
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// rig is a proxy between a test and an upstream.
type rig struct {
	proxy *proxy.Proxy
	srv   *httptest.Server
	log   *logBuffer
	dir   string
}

// newRig starts a proxy to upstream signing with the upstream
// credentials and recording as "app-session" in a temporary directory.
func newRig(t *testing.T, upstream string, mutate ...func(*proxy.Config)) *rig {
	t.Helper()
	lb := &logBuffer{}
	dir := filepath.Join(t.TempDir(), "golden")
	cfg := proxy.Config{
		Upstream:    upstream,
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(upstreamKeyID, upstreamSecret, upstreamToken),
		Logger:      slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RecordDir:   dir,
		Name:        "app-session",
	}
	for _, m := range mutate {
		m(&cfg)
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatalf("proxy.New: %v", err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		_ = p.Close()
	})
	return &rig{proxy: p, srv: srv, log: lb, dir: dir}
}

// signingUpstream starts a fake that knows only the upstream's credentials,
// so that a request reaches it only when the proxy signed it again.
func signingUpstream(t *testing.T) *fake.Server {
	t.Helper()
	srv := fake.NewServer(fake.WithCredentials(fake.Credential{
		AccessKeyID: upstreamKeyID, SecretAccessKey: upstreamSecret, SessionToken: upstreamToken, Allow: []string{"verifiedpermissions:*"},
	}))
	t.Cleanup(srv.Close)
	return srv
}

// client is an SDK client pointed at the proxy, with the client's own
// credentials.
func (r *rig) client() *verifiedpermissions.Client {
	return verifiedpermissions.NewFromConfig(aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(clientKeyID, clientSecret, clientToken),
		BaseEndpoint: aws.String(r.srv.URL),
	})
}

// sendRaw sends body as a request of op to the proxy, signed with the
// client's credentials.
func (r *rig) sendRaw(t *testing.T, op, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	for k, v := range header {
		req.Header[k] = v
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: clientKeyID, SecretAccessKey: clientSecret, SessionToken: clientToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), proxy.SigningName, region, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("raw %s through the proxy: %v", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// assertNoSecrets fails when any file under dir holds a credential or a
// signing header.
func assertNoSecrets(t *testing.T, dir string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range append(secrets, "Authorization", "X-Amz-Security-Token", "X-Amz-Date", "Signature=") {
			if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(s))) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Errorf("no file written under %s", dir)
	}
}

func TestSessionThroughProxyIsResignedRecordedAndRedacted(t *testing.T) {
	upstream := signingUpstream(t)
	r := newRig(t, upstream.URL())
	vp := r.client()
	ctx := context.Background()

	// The description carries both key ids, which must be redacted from
	// the recorded request body.
	store, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &vptypes.ValidationSettings{Mode: vptypes.ValidationModeOff},
		Description:        aws.String("app of " + clientKeyID + " via " + upstreamKeyID),
	})
	if err != nil {
		t.Fatalf("CreatePolicyStore through the proxy: %v", err)
	}
	created, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId:       store.PolicyStoreId,
		PrincipalEntityType: aws.String("MyApp::User"),
		Configuration: &vptypes.ConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String(userPoolArn), ClientIds: []string{"appclient1"},
		}},
	})
	if err != nil {
		t.Fatalf("CreateIdentitySource through the proxy: %v", err)
	}
	if _, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId, IdentitySourceId: created.IdentitySourceId,
	}); err != nil {
		t.Fatalf("GetIdentitySource through the proxy: %v", err)
	}
	if _, err := vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId, IdentitySourceId: created.IdentitySourceId,
		UpdateConfiguration: &vptypes.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.UpdateCognitoUserPoolConfiguration{
			UserPoolArn: aws.String(secondPoolArn), ClientIds: []string{"appclient2"},
		}},
	}); err != nil {
		t.Fatalf("UpdateIdentitySource through the proxy: %v", err)
	}
	list, err := vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: store.PolicyStoreId})
	if err != nil {
		t.Fatalf("ListIdentitySources through the proxy: %v", err)
	}
	if len(list.IdentitySources) != 1 {
		t.Errorf("ListIdentitySources: %d identity sources, want 1", len(list.IdentitySources))
	}
	_, err = vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId, IdentitySourceId: aws.String(missingSourceID),
	})
	var notFound *vptypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("GetIdentitySource of a missing source through the proxy: got %v, want ResourceNotFoundException", err)
	}
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: store.PolicyStoreId}); err != nil {
		t.Fatalf("DeletePolicyStore through the proxy: %v", err)
	}

	wantOps := []string{"CreatePolicyStore", "CreateIdentitySource", "GetIdentitySource", "UpdateIdentitySource", "ListIdentitySources", "GetIdentitySource", "DeletePolicyStore"}
	st := r.proxy.Stats()
	if st.Exchanges != len(wantOps) || st.Recorded != len(wantOps) || st.Violations != 0 || st.Failed != 0 {
		t.Errorf("Stats = %+v, want %d exchanges, all recorded, no violation, no failure", st, len(wantOps))
	}
	if f := r.proxy.Findings(); len(f) != 0 {
		t.Errorf("Findings = %+v, want none", f)
	}
	if got := r.log.lines("msg=exchange", "operation=GetIdentitySource", "status=404", "error=ResourceNotFoundException"); len(got) != 1 {
		t.Errorf("log lines of the missing GetIdentitySource: %q\nlog:\n%s", got, r.log)
	}

	if err := r.proxy.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	file := filepath.Join(r.dir, "app-session.json")
	if r.proxy.File() != file {
		t.Errorf("File() = %q, want %q", r.proxy.File(), file)
	}
	g, err := fixtures.LoadFile(file)
	if err != nil {
		t.Fatalf("the golden file: %v", err)
	}
	u, _ := url.Parse(upstream.URL())
	if g.Provenance.Target != proxy.Kind || g.Provenance.Endpoint != u.Host || g.Provenance.Region != region || g.Scenario != "app-session" {
		t.Errorf("provenance %+v, scenario %q: want target proxy, endpoint %s, region %s, scenario app-session", g.Provenance, g.Scenario, u.Host, region)
	}
	if len(g.Exchanges) != len(wantOps) {
		t.Fatalf("the golden file holds %d exchanges, want %d", len(g.Exchanges), len(wantOps))
	}
	for i, x := range g.Exchanges {
		wantStatus := 200
		if i == 5 {
			wantStatus = 404
		}
		if x.Operation != wantOps[i] || x.Status != wantStatus {
			t.Errorf("exchange %d: %s %d, want %s %d", i+1, x.Operation, x.Status, wantOps[i], wantStatus)
		}
		if x.Headers["X-Amzn-Requestid"] == "" || !strings.HasPrefix(x.Headers["X-Amzn-Requestid"], "<REQUEST_ID_") {
			t.Errorf("exchange %d: request id header %q, want a placeholder", i+1, x.Headers["X-Amzn-Requestid"])
		}
	}
	member := func(v any, name string) any {
		m, _ := v.(map[string]any)
		return m[name]
	}
	if got := member(g.Exchanges[0].Response, "policyStoreId"); got != "<POLICY_STORE_1>" {
		t.Errorf("CreatePolicyStore's policyStoreId recorded as %v, want <POLICY_STORE_1>", got)
	}
	if got := member(g.Exchanges[0].Request, "description"); got != "app of <REDACTED> via <REDACTED>" {
		t.Errorf("CreatePolicyStore's description recorded as %v, want both key ids redacted", got)
	}
	for i := 1; i < len(g.Exchanges); i++ {
		if got := member(g.Exchanges[i].Request, "policyStoreId"); got != "<POLICY_STORE_1>" {
			t.Errorf("exchange %d: policyStoreId recorded as %v, want <POLICY_STORE_1>", i+1, got)
		}
	}
	if got := member(g.Exchanges[2].Request, "identitySourceId"); got != "<IDENTITY_SOURCE_1>" {
		t.Errorf("GetIdentitySource's identitySourceId recorded as %v, want <IDENTITY_SOURCE_1>", got)
	}
	if got, _ := member(g.Exchanges[2].Response, "createdDate").(string); !strings.HasPrefix(got, "<TIME_") {
		t.Errorf("GetIdentitySource's createdDate recorded as %v, want a time placeholder", got)
	}
	if got := g.Exchanges[5].Headers["X-Amzn-Errortype"]; !strings.HasPrefix(got, "ResourceNotFoundException") {
		t.Errorf("the missing GetIdentitySource's X-Amzn-ErrorType recorded as %q", got)
	}
	if len(g.Volatile) != 0 {
		t.Errorf("Volatile = %v for a recording from an emulator, want none", g.Volatile)
	}
	assertNoSecrets(t, r.dir)

	// Closed: later requests are refused, the file stays as written.
	noRetry := func(o *verifiedpermissions.Options) { o.RetryMaxAttempts = 1 }
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: store.PolicyStoreId}, noRetry); err == nil {
		t.Errorf("DeletePolicyStore through a closed proxy succeeded")
	}
	if err := r.proxy.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRequestViolationIsLoggedWithItsPath(t *testing.T) {
	r := newRig(t, signingUpstream(t).URL())
	ctx := context.Background()
	vp := r.client()
	store, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &vptypes.ValidationSettings{Mode: vptypes.ValidationModeOff},
	})
	if err != nil {
		t.Fatalf("CreatePolicyStore: %v", err)
	}
	created, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId,
		Configuration: &vptypes.ConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String(userPoolArn),
		}},
	})
	if err != nil {
		t.Fatalf("CreateIdentitySource: %v", err)
	}
	body := `{"policyStoreId":"` + *store.PolicyStoreId + `","identitySourceId":"` + *created.IdentitySourceId +
		`","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"not-an-arn"}}}`
	resp, _ := r.sendRaw(t, "UpdateIdentitySource", body, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("X-Amzn-ErrorType"), "ValidationException") {
		t.Errorf("bad UpdateIdentitySource answered %d %q, want the upstream's 400 ValidationException", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}

	const path = "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn"
	var found []proxy.Finding
	for _, f := range r.proxy.Findings() {
		if f.Path == path {
			found = append(found, f)
		}
	}
	if len(found) != 1 || found[0].Operation != "UpdateIdentitySource" || found[0].Direction != proxy.Request ||
		found[0].Keyword != "pattern" || found[0].Exchange != 3 || found[0].Pointer != "/updateConfiguration/cognitoUserPoolConfiguration/userPoolArn" {
		t.Errorf("findings at %s: %+v, want one request pattern violation of exchange 3", path, found)
	}
	if st := r.proxy.Stats(); st.Violations != len(r.proxy.Findings()) || st.Violations == 0 || st.Exchanges != 3 {
		t.Errorf("Stats = %+v, want 3 exchanges and the violations counted", st)
	}
	lines := r.log.lines("level=WARN", `msg="schema violation"`, "operation=UpdateIdentitySource", "direction=request", "path="+path, "keyword=pattern")
	if len(lines) != 1 {
		t.Errorf("violation log lines: %q\nlog:\n%s", lines, r.log)
	}
	for _, f := range r.proxy.Findings() {
		if f.Direction != proxy.Request {
			t.Errorf("unexpected response finding %+v: the upstream's ValidationException conforms", f)
		}
	}
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, r.dir)
}

func TestResponseViolationIsLoggedAndTheAnswerForwardedUnchanged(t *testing.T) {
	const badBody = `{"createdDate":"2024-08-12T18:20:50.99Z","identitySourceId":"ISEXAMPLEabcdefg111111",` +
		`"lastUpdatedDate":"2024-08-12T18:20:50.99Z","policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a","principalEntityType":"MyCorp::User",` +
		`"configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"not-an-arn","clientIds":[],` +
		`"issuer":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5"}}}`
	var mu sync.Mutex
	var seen []http.Header
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		seen = append(seen, req.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", schemas.ContentType)
		w.Header().Set("X-Amzn-RequestId", "req-1")
		w.Header().Set("X-Upstream-Custom", "kept")
		_, _ = io.WriteString(w, badBody)
	}))
	defer upstream.Close()
	r := newRig(t, upstream.URL)

	resp, got := r.sendRaw(t, "GetIdentitySource", `{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a","identitySourceId":"ISEXAMPLEabcdefg111111"}`, nil)
	if resp.StatusCode != http.StatusOK || string(got) != badBody || resp.Header.Get("X-Upstream-Custom") != "kept" ||
		resp.Header.Get("Content-Type") != schemas.ContentType {
		t.Errorf("the client got %d %v %s, want the upstream's answer unchanged", resp.StatusCode, resp.Header, got)
	}
	// The SDK reads the same answer.
	out, err := r.client().GetIdentitySource(context.Background(), &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: aws.String("C7v5xMplfFH3i3e4Jrzb1a"), IdentitySourceId: aws.String("ISEXAMPLEabcdefg111111"),
	})
	if err != nil {
		t.Fatalf("GetIdentitySource through the proxy: %v", err)
	}
	if c, ok := out.Configuration.(*vptypes.ConfigurationDetailMemberCognitoUserPoolConfiguration); !ok || aws.ToString(c.Value.UserPoolArn) != "not-an-arn" {
		t.Errorf("the SDK read configuration %#v", out.Configuration)
	}

	const path = "configuration.cognitoUserPoolConfiguration.userPoolArn"
	fs := r.proxy.Findings()
	if len(fs) != 2 {
		t.Fatalf("findings %+v, want one per exchange", fs)
	}
	for i, f := range fs {
		if f.Path != path || f.Direction != proxy.Response || f.Keyword != "pattern" || f.Exchange != i+1 ||
			f.Schema != "GetIdentitySource.output.schema.json" || f.Status != 200 {
			t.Errorf("finding %d: %+v, want a response pattern violation at %s", i, f, path)
		}
	}
	if lines := r.log.lines(`msg="schema violation"`, "operation=GetIdentitySource", "direction=response", "path="+path, "keyword=pattern"); len(lines) != 2 {
		t.Errorf("violation log lines: %q\nlog:\n%s", lines, r.log)
	}

	// The upstream saw the proxy's signature, never the client's
	// credentials.
	mu.Lock()
	defer mu.Unlock()
	for i, h := range seen {
		auth := h.Get("Authorization")
		if !strings.Contains(auth, "Credential="+upstreamKeyID+"/") || !strings.Contains(auth, "/"+region+"/verifiedpermissions/aws4_request") {
			t.Errorf("request %d reached the upstream with Authorization %q, want the upstream credentials' signature", i+1, auth)
		}
		if got := h.Get("X-Amz-Security-Token"); got != upstreamToken {
			t.Errorf("request %d reached the upstream with X-Amz-Security-Token %q, want the upstream's", i+1, got)
		}
		for k, vs := range h {
			for _, v := range vs {
				if strings.Contains(v, clientKeyID) || strings.Contains(v, clientToken) {
					t.Errorf("request %d reached the upstream with the client's credentials in %s: %q", i+1, k, v)
				}
			}
		}
	}
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, r.dir)
}

func TestUnsignedProxyForwardsAsIs(t *testing.T) {
	var mu sync.Mutex
	var auth, token string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		auth, token = req.Header.Get("Authorization"), req.Header.Get("X-Amz-Security-Token")
		mu.Unlock()
		w.Header().Set("Content-Type", schemas.ContentType)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer upstream.Close()
	r := newRig(t, upstream.URL, func(c *proxy.Config) { c.Credentials = nil })
	r.sendRaw(t, "DeletePolicyStore", `{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a"}`, nil)
	mu.Lock()
	if !strings.Contains(auth, "Credential="+clientKeyID+"/") || token != clientToken {
		t.Errorf("without Credentials the upstream got Authorization %q, token %q; want the client's as sent", auth, token)
	}
	mu.Unlock()
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	// The client's credentials still stay out of the recording.
	assertNoSecrets(t, r.dir)
}

func TestControlRoutesAndOtherRequestsPassThroughUnrecorded(t *testing.T) {
	upstream := fake.NewServer()
	defer upstream.Close()
	r := newRig(t, upstream.URL())
	resp, err := http.Get(r.srv.URL + fixtures.ControlPrefix + "health")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health through the proxy: %d", resp.StatusCode)
	}
	st := r.proxy.Stats()
	if st.PassedThrough != 1 || st.Exchanges != 0 || st.Recorded != 0 {
		t.Errorf("Stats = %+v, want one request passed through and nothing recorded", st)
	}
	path, err := r.proxy.Flush()
	if err != nil || path != "" {
		t.Errorf("Flush of an empty session = %q, %v; want nothing written", path, err)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "app-session.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an empty session wrote a golden file: %v", err)
	}
}

// TestOperationWithoutSchemaIsForwardedAndRecordedUnchecked: an operation
// of the model the kit has no schema for (one the registry does not serve)
// is forwarded and recorded, and counted unchecked rather than checked.
func TestOperationWithoutSchemaIsForwardedAndRecordedUnchecked(t *testing.T) {
	unserved := schemas.Default().Unserved()
	if len(unserved) == 0 {
		t.Skip("the registry serves every operation of the model")
	}
	op := unserved[0]
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		_, _ = io.WriteString(w, `{"anything":"goes"}`)
	}))
	defer upstream.Close()
	r := newRig(t, upstream.URL, func(c *proxy.Config) { c.Credentials = nil })
	if resp, body := r.sendRaw(t, op, `{"whatever":1}`, nil); resp.StatusCode != http.StatusOK || string(body) != `{"anything":"goes"}` {
		t.Errorf("%s answered %d %s, want the upstream's 200 answer", op, resp.StatusCode, body)
	}
	if st := r.proxy.Stats(); st.Exchanges != 1 || st.Unchecked != 1 || st.Recorded != 1 || st.Violations != 0 {
		t.Errorf("Stats = %+v, want one exchange, unchecked, recorded, no violation", st)
	}
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := fixtures.LoadFile(r.proxy.File())
	if err != nil || len(g.Exchanges) != 1 || g.Exchanges[0].Operation != op {
		t.Errorf("the golden file: %+v, %v; want the one exchange of %s", g, err, op)
	}
}

func TestUnreachableUpstreamIsBadGateway(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	r := newRig(t, deadURL)
	resp, body := r.sendRaw(t, "DeletePolicyStore", `{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a"}`, nil)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "vpconform proxy") {
		t.Errorf("answer %d %s, want the proxy's 502", resp.StatusCode, body)
	}
	if st := r.proxy.Stats(); st.Failed != 1 || st.Exchanges != 0 {
		t.Errorf("Stats = %+v, want one failure and no exchange", st)
	}
	if lines := r.log.lines("level=ERROR", `msg="request not forwarded"`, "operation=DeletePolicyStore", "status=502"); len(lines) != 1 {
		t.Errorf("log:\n%s", r.log)
	}
}

func TestFlushWritesTheSessionSoFarAndRefusesAnExistingFile(t *testing.T) {
	upstream := fake.NewServer()
	defer upstream.Close()
	r := newRig(t, upstream.URL(), func(c *proxy.Config) { c.Credentials = nil })
	ctx := context.Background()
	vp := r.client()
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String("C7v5xMplfFH3i3e4Jrzb1a")}); err != nil {
		t.Fatal(err)
	}
	path, err := r.proxy.Flush()
	if err != nil || path == "" {
		t.Fatalf("Flush = %q, %v", path, err)
	}
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String("C7v5xMplfFH3i3e4Jrzb1a")}); err != nil {
		t.Fatal(err)
	}
	// The proxy replaces its own file.
	if err := r.proxy.Close(); err != nil {
		t.Fatalf("Close after Flush: %v", err)
	}
	g, err := fixtures.LoadFile(path)
	if err != nil || len(g.Exchanges) != 2 {
		t.Fatalf("golden file after Close: %d exchanges, %v; want 2", len(g.Exchanges), err)
	}

	// Another proxy refuses to start over that file, unless told to.
	cfg := proxy.Config{Upstream: upstream.URL(), RecordDir: r.dir, Name: "app-session"}
	_, err = proxy.New(cfg)
	if !errors.Is(err, proxy.ErrCannotRecord) || !errors.Is(err, fixtures.ErrExists) || !strings.Contains(err.Error(), path) {
		t.Errorf("New over an existing golden file: %v; want ErrCannotRecord and fixtures.ErrExists naming %s", err, path)
	}
	cfg.Overwrite = true
	if _, err := proxy.New(cfg); err != nil {
		t.Errorf("New with Overwrite over an existing golden file: %v", err)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("a", "b", "")
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]proxy.Config{
		"no upstream":           {},
		"relative upstream":     {Upstream: "localhost:4599"},
		"ftp upstream":          {Upstream: "ftp://example.com"},
		"userinfo":              {Upstream: "http://user:pass@127.0.0.1:4599"},
		"query":                 {Upstream: "http://127.0.0.1:4599/?a=b"},
		"credentials no region": {Upstream: "http://127.0.0.1:4599", Credentials: creds},
		"record without name":   {Upstream: "http://127.0.0.1:4599", RecordDir: t.TempDir()},
		"bad name":              {Upstream: "http://127.0.0.1:4599", RecordDir: t.TempDir(), Name: "a//b"},
		"unwritable dir":        {Upstream: "http://127.0.0.1:4599", RecordDir: filepath.Join(notDir, "sub"), Name: "s"},
	} {
		if _, err := proxy.New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		} else if strings.Contains(err.Error(), "pass") {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
	}
}

// roundTripFunc is an in-memory upstream.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRecordingFromAWSMarksMessagesVolatile(t *testing.T) {
	const awsEndpoint = "https://verifiedpermissions.eu-west-1.amazonaws.com"
	var mu sync.Mutex
	var sent *http.Request
	tr := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		sent = req
		mu.Unlock()
		h := http.Header{}
		h.Set("Content-Type", schemas.ContentType)
		h.Set("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.verifiedpermissions/")
		body := `{"message":"Policy store not found","resourceId":"C7v5xMplfFH3i3e4Jrzb1a","resourceType":"POLICY_STORE"}`
		return &http.Response{StatusCode: 404, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	})
	r := newRig(t, awsEndpoint, func(c *proxy.Config) {
		c.Transport = tr
		c.Region = "eu-west-1"
	})
	resp, _ := r.sendRaw(t, "GetPolicyStore", `{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a"}`, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want the upstream's 404", resp.StatusCode)
	}
	mu.Lock()
	if sent == nil || sent.URL.String() != awsEndpoint+"/" || !strings.Contains(sent.Header.Get("Authorization"), "/eu-west-1/verifiedpermissions/aws4_request") {
		t.Errorf("sent %v with Authorization %q, want %s/ signed for eu-west-1", sent.URL, sent.Header.Get("Authorization"), awsEndpoint)
	}
	mu.Unlock()
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := fixtures.LoadFile(r.proxy.File())
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtures.VolatileFor("aws"); strings.Join(g.Volatile, ",") != strings.Join(want, ",") || len(want) == 0 {
		t.Errorf("Volatile = %v, want %v for a recording from AWS", g.Volatile, want)
	}
	if g.Provenance.Endpoint != "verifiedpermissions.eu-west-1.amazonaws.com" || g.Provenance.Region != "eu-west-1" {
		t.Errorf("provenance %+v", g.Provenance)
	}
}

func TestGzipAnswerIsForwardedEncodedAndRecordedDecoded(t *testing.T) {
	const body = `{}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		if !strings.Contains(req.Header.Get("Accept-Encoding"), "gzip") {
			_, _ = io.WriteString(w, body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, body)
		_ = zw.Close()
	}))
	defer upstream.Close()
	r := newRig(t, upstream.URL)
	resp, got := r.sendRaw(t, "DeletePolicyStore", `{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a"}`, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("the client asked for gzip and got Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the forwarded body is not gzip: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != body {
		t.Errorf("decoded body %q, want %q", plain, body)
	}
	if f := r.proxy.Findings(); len(f) != 0 {
		t.Errorf("findings %+v: the decoded answer conforms", f)
	}
	if err := r.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := fixtures.LoadFile(r.proxy.File())
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := g.Exchanges[0].Response.(map[string]any); !ok || len(m) != 0 {
		t.Errorf("recorded response %#v, want the decoded {}", g.Exchanges[0].Response)
	}
}

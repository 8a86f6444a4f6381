package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

// BenchmarkGetIdentitySource measures GetIdentitySource against the fake
// over loopback HTTP ("fake") next to a bare net/http handler that answers
// every request with the fake's own response bytes ("canned"), through the
// same SDK client and HTTP client. `make bench-sdk` (part of `make bench`) prints both and their ratio;
// the difference is what the fake itself costs per call.
func BenchmarkGetIdentitySource(b *testing.B) {
	srv := fake.NewServer()
	defer srv.Close()

	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer httpClient.CloseIdleConnections()
	vp := verifiedpermissions.NewFromConfig(sdktest.Loopback(srv.URL(), "AKIDBENCHEXAMPLE", "bench-secret", httpClient))
	setup := &harness{srv: srv, vp: vp, http: httpClient}
	store := setup.mustCreatePolicyStore(b)
	source := setup.mustCreateIdentitySource(b, store, cognitoConfiguration(userPoolArn, clientID))
	in := &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(source)}
	ctx := context.Background()

	// The canned handler replays the fake's own answer, headers and body.
	answer := setup.raw(b, "GetIdentitySource", `{"policyStoreId":"`+store+`","identitySourceId":"`+source+`"}`)
	if answer.Status != http.StatusOK {
		b.Fatalf("GetIdentitySource: HTTP %d %s", answer.Status, answer.Raw)
	}
	body, header := answer.Raw, answer.Header.Clone()
	header.Del("Content-Length")
	header.Del("Date")
	canned := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		_, _ = w.Write(body)
	}))
	defer canned.Close()
	b.Logf("response body: %d bytes", len(body))

	for _, target := range []struct{ name, url string }{{"canned", canned.URL}, {"fake", srv.URL()}} {
		b.Run(target.name, func(b *testing.B) {
			endpoint := func(o *verifiedpermissions.Options) { o.BaseEndpoint = aws.String(target.url) }
			if _, err := vp.GetIdentitySource(ctx, in, endpoint); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := vp.GetIdentitySource(ctx, in, endpoint); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateWithHistory measures creating a policy store and an
// identity source (in a store created earlier, once it is visible) under a
// propagation delay of 1s, through Handler, with the clock advancing 1ms a
// pair, so that about a thousand pairs are always inside the delay. The
// sub-benchmarks start from 1,000 and from 50,000 existing policy stores,
// each with an identity source: the time per pair must not grow with them.
func BenchmarkCreateWithHistory(b *testing.B) {
	for _, existing := range []int{1000, 50000} {
		b.Run(fmt.Sprintf("existing=%d", existing), func(b *testing.B) {
			const delay = time.Second
			const step = time.Millisecond
			lag := int(delay/step) + 1 // a store this many pairs old is visible
			clock := sdktest.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			st := benchState(existing, lag, clock.Now())
			srv := fake.NewServer(fake.WithoutListener(), fake.WithClock(clock.Now), fake.WithPropagationDelay(delay),
				fake.WithMaxPolicyStores(1<<30), fake.WithMaxStateBytes(1<<40), fake.WithState(st))
			defer srv.Close()
			// The stores waiting for an identity source, oldest first.
			var pending []string
			for _, ps := range st.PolicyStores[existing:] {
				pending = append(pending, ps.PolicyStoreID)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clock.Advance(step)
				out := benchCall(b, srv, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`)
				pending = append(pending, out["policyStoreId"].(string))
				id := pending[0]
				pending = pending[1:]
				benchCall(b, srv, "CreateIdentitySource", `{"policyStoreId":"`+id+`","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`"}}}`)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

// benchState is a state of n policy stores with an identity source each,
// and empty ones more, created at t.
func benchState(n, empty int, t time.Time) fake.State {
	st := fake.State{FormatVersion: fake.StateFormatVersion}
	date := t.Format(time.RFC3339)
	for i := range n + empty {
		id := fmt.Sprintf("PSbench%015d", i)
		ps := fake.PolicyStoreState{
			PolicyStoreID: id, Arn: "arn:aws:verifiedpermissions::123456789012:policy-store/" + id,
			ValidationSettings: fake.ValidationSettings{Mode: "OFF"}, CreatedDate: date, LastUpdatedDate: date,
		}
		if i < n {
			ps.IdentitySources = []fake.IdentitySourceState{{
				IdentitySourceID: fmt.Sprintf("ISbench%015d", i), PrincipalEntityType: "AWS::Cognito",
				Configuration: []byte(`{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn + `"}}`),
				CreatedDate:   date, LastUpdatedDate: date,
			}}
		}
		st.PolicyStores = append(st.PolicyStores, ps)
	}
	return st
}

// benchCall calls an operation through srv's handler and returns its
// decoded output.
func benchCall(b *testing.B, srv *fake.Server, op, body string) map[string]any {
	w, _ := serveOnce(b, srv, op, body)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: HTTP %d %s", op, w.Code, w.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		b.Fatalf("%s: %v", op, err)
	}
	return out
}

// BenchmarkAuthorizeWithToken is IsAuthorizedWithToken with a Cognito ID
// token against a store of 10 policies, one permitting the token's
// principal, beside GetIdentitySource of the same source, both served in
// memory: the cost of verifying, mapping and evaluating a token over a
// read.
func BenchmarkAuthorizeWithToken(b *testing.B) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	store := benchCall(b, srv, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`)["policyStoreId"].(string)
	source := benchCall(b, srv, "CreateIdentitySource", `{"policyStoreId":"`+store+`","principalEntityType":"MyCorp::User","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`","clientIds":["`+clientID+`"]}}}`)["identitySourceId"].(string)
	for i := range 10 {
		stmt := fmt.Sprintf(`permit(principal == MyCorp::User::\"us-east-1_1a2b3c4d5|user-%d\", action == MyCorp::Action::\"read\", resource);`, i)
		benchCall(b, srv, "CreatePolicy", `{"policyStoreId":"`+store+`","definition":{"static":{"statement":"`+stmt+`"}}}`)
	}
	tok, err := srv.IssueToken(fake.TokenRequest{UserPoolArn: userPoolArn, Use: fake.IDToken, Subject: "user-3", ClientID: clientID})
	if err != nil {
		b.Fatal(err)
	}
	calls := map[string]string{
		"IsAuthorizedWithToken": `{"policyStoreId":"` + store + `","identityToken":"` + tok + `","action":{"actionType":"MyCorp::Action","actionId":"read"},"resource":{"entityType":"MyCorp::Doc","entityId":"d"}}`,
		"GetIdentitySource":     `{"policyStoreId":"` + store + `","identitySourceId":"` + source + `"}`,
	}
	if got := benchCall(b, srv, "IsAuthorizedWithToken", calls["IsAuthorizedWithToken"])["decision"]; got != "ALLOW" {
		b.Fatalf("IsAuthorizedWithToken: decision %v, want ALLOW", got)
	}
	for _, op := range []string{"GetIdentitySource", "IsAuthorizedWithToken"} {
		b.Run(op, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchCall(b, srv, op, calls[op])
			}
		})
	}
}

// BenchmarkHeapPerStore creates heapStores policy stores, each with one
// Cognito identity source, both with a clientToken as every SDK sends
// one, in a new server, and reports the heap they hold per store
// ("B/store"), measured after GC; each iteration does it all again. The
// number is fixed, not b.N, so that the figure does not move with how
// full the maps happen to be at b.N; an iteration takes seconds, so run
// one (-benchtime 1x, not a count of stores):
//
//	go test -run XXX -bench BenchmarkHeapPerStore -benchtime 1x ./fake
func BenchmarkHeapPerStore(b *testing.B) {
	const heapStores = 200_000
	var held, stores uint64
	for b.Loop() {
		srv := fake.NewServer(fake.WithoutListener(), fake.WithMaxPolicyStores(1<<30), fake.WithMaxStateBytes(1<<40))
		before := heapAfterGC()
		for i := range heapStores {
			store := benchCall(b, srv, "CreatePolicyStore", fmt.Sprintf(`{"clientToken":"store-%09d","validationSettings":{"mode":"OFF"}}`, i))["policyStoreId"].(string)
			benchCall(b, srv, "CreateIdentitySource", fmt.Sprintf(`{"clientToken":"source-%09d","policyStoreId":"%s","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"%s","clientIds":["%s"]}}}`, i, store, userPoolArn, clientID))
		}
		after := heapAfterGC()
		if u := srv.Usage(); u.PolicyStores != heapStores || u.IdentitySources != heapStores || u.ClientTokens != 2*heapStores {
			b.Fatalf("usage %+v, want %d policy stores and identity sources and %d clientTokens", u, heapStores, 2*heapStores)
		}
		if after > before {
			held += after - before
		}
		stores += heapStores
		runtime.KeepAlive(srv)
		srv.Close()
	}
	b.ReportMetric(float64(held)/float64(stores), "B/store")
}

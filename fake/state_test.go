package fake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

// populated is a server with the resources of sdktest.Populate, made with
// the server's clock moving between calls and ids from WithIDSeed(1).
type populated struct {
	srv   *fake.Server
	clock *testClock
	sdktest.Resources
}

func populate(t *testing.T, opts ...fake.Option) populated {
	t.Helper()
	clock := newTestClock()
	srv := fake.NewServer(append([]fake.Option{fake.WithoutListener(), fake.WithClock(clock.Now), fake.WithIDSeed(1)}, opts...)...)
	t.Cleanup(srv.Close)
	return populated{srv: srv, clock: clock, Resources: sdktest.Populate(t, newHarness(t, srv, false).vp, clock.Advance)}
}

// reads returns what p's resources read back as on srv.
func (p populated) reads(t *testing.T, srv *fake.Server) []string {
	t.Helper()
	return p.ReadBack(t, newHarness(t, srv, false).vp)
}

// TestStateRoundTrip checks a state taken with State, encoded, parsed and
// set on another server (with WithState, and with SetState) reads back
// exactly as it did on the first: every member, dates included.
func TestStateRoundTrip(t *testing.T) {
	p := populate(t)
	st, _ := roundTripState(t, p.srv, func(srv *fake.Server) []string { return p.reads(t, srv) })

	// The dates are those the API returned, in RFC 3339 UTC.
	if got := st.PolicyStores[1].CreatedDate; got != "2024-08-12T18:20:52.224567Z" {
		t.Errorf("second store's createdDate %s", got)
	}
	if got := st.PolicyStores[1].IdentitySources[0].LastUpdatedDate; got != "2024-08-12T18:20:55.224567Z" {
		t.Errorf("updated identity source's lastUpdatedDate %s", got)
	}
}

// roundTripState takes src's State through JSON and ParseState, which must
// give it back unchanged, and sets it on two new servers, one WithState and
// one with SetState: each must answer reads as src does and give back the
// same State. It returns the State and the servers, by how they were set.
func roundTripState(t *testing.T, src *fake.Server, reads func(*fake.Server) []string) (fake.State, map[string]*fake.Server) {
	t.Helper()
	want := reads(src)
	st := src.State()
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := fake.ParseState(b)
	if err != nil {
		t.Fatalf("ParseState of State's own output: %v\n%s", err, b)
	}
	if diff := cmp.Diff(st, parsed); diff != "" {
		t.Errorf("ParseState(State) (-want +got):\n%s", diff)
	}
	withState := fake.NewServer(fake.WithoutListener(), fake.WithState(parsed))
	t.Cleanup(withState.Close)
	setState := fake.NewServer(fake.WithoutListener())
	t.Cleanup(setState.Close)
	if err := setState.SetState(parsed); err != nil {
		t.Fatalf("SetState: %v", err)
	}
	servers := map[string]*fake.Server{"WithState": withState, "SetState": setState}
	for name, srv := range servers {
		if diff := cmp.Diff(want, reads(srv)); diff != "" {
			t.Errorf("%s: reads (-want +got):\n%s", name, diff)
		}
		if diff := cmp.Diff(st, srv.State()); diff != "" {
			t.Errorf("%s: State (-want +got):\n%s", name, diff)
		}
	}
	return st, servers
}

// TestStateDocument pins the JSON of a State.
func TestStateDocument(t *testing.T) {
	p := populate(t)
	b, err := json.MarshalIndent(p.srv.State(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("STORE1", p.Stores[0], "STORE2", p.Stores[1], "SOURCE1", p.Sources[0], "SOURCE2", p.Sources[1]).Replace(stateDocument)
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("state document (-want +got):\n%s", diff)
	}
}

const stateDocument = `{
  "formatVersion": 1,
  "policyStores": [
    {
      "policyStoreId": "STORE1",
      "arn": "arn:aws:verifiedpermissions::123456789012:policy-store/STORE1",
      "validationSettings": {
        "mode": "STRICT"
      },
      "description": "expenses",
      "deletionProtection": "ENABLED",
      "encryptionState": {
        "kmsEncryptionState": {
          "key": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "encryptionContext": {
            "application": "expenses"
          }
        }
      },
      "tags": {
        "cost-center": "",
        "team": "identity"
      },
      "createdDate": "2024-08-12T18:20:50.99Z",
      "lastUpdatedDate": "2024-08-12T18:20:50.99Z",
      "identitySources": [
        {
          "identitySourceId": "SOURCE1",
          "principalEntityType": "MyCorp::User",
          "configuration": {
            "cognitoUserPoolConfiguration": {
              "userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
              "clientIds": [
                "a1b2c3d4e5f6g7h8i9j0kalbmc"
              ],
              "groupConfiguration": {
                "groupEntityType": "MyCorp::Group"
              }
            }
          },
          "createdDate": "2024-08-12T18:20:53.224567Z",
          "lastUpdatedDate": "2024-08-12T18:20:53.224567Z"
        }
      ]
    },
    {
      "policyStoreId": "STORE2",
      "arn": "arn:aws:verifiedpermissions::123456789012:policy-store/STORE2",
      "validationSettings": {
        "mode": "OFF"
      },
      "deletionProtection": "DISABLED",
      "encryptionState": {
        "default": {}
      },
      "createdDate": "2024-08-12T18:20:52.224567Z",
      "lastUpdatedDate": "2024-08-12T18:20:52.224567Z",
      "identitySources": [
        {
          "identitySourceId": "SOURCE2",
          "principalEntityType": "MyCorp::Employee",
          "configuration": {
            "openIdConnectConfiguration": {
              "issuer": "https://auth.example.com",
              "groupConfiguration": {
                "groupClaim": "groups",
                "groupEntityType": "MyCorp::UserGroup"
              },
              "tokenSelection": {
                "identityTokenOnly": {
                  "principalIdClaim": "email",
                  "clientIds": [
                    "1example23456789"
                  ]
                }
              }
            }
          },
          "createdDate": "2024-08-12T18:20:54.224567Z",
          "lastUpdatedDate": "2024-08-12T18:20:55.224567Z"
        }
      ]
    }
  ]
}`

// TestStateControlRoutes: GET /_vpfake/state answers State, PUT sets it.
func TestStateControlRoutes(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.rawMethod(t, "GET", "/_vpfake/state", "", "")
		if r.Status != 200 || string(r.Raw) != `{"formatVersion":1,"policyStores":[]}` {
			t.Errorf("empty state: HTTP %d %s", r.Status, r.Raw)
		}
		store := h.mustCreatePolicyStore(t)
		source := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, clientID))
		wantSource := h.mustGetRaw(t, store, source)
		saved := h.rawMethod(t, "GET", "/_vpfake/state", "", "")
		if saved.Status != 200 || !strings.Contains(string(saved.Raw), source) {
			t.Fatalf("state: HTTP %d %s", saved.Status, saved.Raw)
		}

		h.srv.Reset()
		r = h.rawMethod(t, "PUT", "/_vpfake/state", "", string(saved.Raw))
		if r.Status != 200 || string(r.Raw) != `{}` {
			t.Fatalf("PUT state: HTTP %d %s", r.Status, r.Raw)
		}
		if r := h.rawMethod(t, "GET", "/_vpfake/state", "", ""); string(r.Raw) != string(saved.Raw) {
			t.Errorf("state after PUT:\n%s\nwant\n%s", r.Raw, saved.Raw)
		}
		if diff := cmp.Diff(wantSource, h.mustGetRaw(t, store, source)); diff != "" {
			t.Errorf("identity source after PUT (-want +got):\n%s", diff)
		}

		// A PUT of a bad state is a 400 naming the problem, and changes
		// nothing.
		for _, c := range badStates(store, source) {
			t.Run(c.name, func(t *testing.T) {
				r := h.rawMethod(t, "PUT", "/_vpfake/state", "", c.doc)
				msg, _ := r.Body["message"].(string)
				if r.Status != http.StatusBadRequest || !strings.Contains(msg, c.want) {
					t.Errorf("HTTP %d %s, want 400 with a message containing %q", r.Status, r.Raw, c.want)
				}
				if r := h.rawMethod(t, "GET", "/_vpfake/state", "", ""); string(r.Raw) != string(saved.Raw) {
					t.Errorf("state changed by a refused PUT:\n%s", r.Raw)
				}
			})
		}
	})
}

type badState struct {
	name, doc, want string
}

// badStates are state documents that ParseState or SetState refuse, each
// with a part of the error it must give. store and source are ids.
func badStates(store, source string) []badState {
	arn := "arn:aws:verifiedpermissions::123456789012:policy-store/"
	doc := func(stores ...string) string {
		return `{"formatVersion":1,"policyStores":[` + strings.Join(stores, ",") + `]}`
	}
	ps := func(id string, extra string, sources ...string) string {
		return `{"policyStoreId":"` + id + `","arn":"` + arn + id + `","validationSettings":{"mode":"OFF"},` +
			`"deletionProtection":"DISABLED","createdDate":"2024-08-12T18:20:50.99Z","lastUpdatedDate":"2024-08-12T18:20:50.99Z"` +
			extra + `,"identitySources":[` + strings.Join(sources, ",") + `]}`
	}
	cognito := `{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn + `"}}`
	is := func(id, configuration, extra string) string {
		return `{"identitySourceId":"` + id + `","principalEntityType":"AWS::Cognito","configuration":` + configuration +
			`,"createdDate":"2024-08-12T18:20:50.99Z","lastUpdatedDate":"2024-08-12T18:20:50.99Z"` + extra + `}`
	}
	item := "policyStores[0].identitySources[0] (identity source " + source + " of policy store " + store + ")"
	return []badState{
		{"syntax error", "{\n  \"formatVersion\": 1,\n  \"policyStores\": [,]\n}", "line 3, column 20: JSON syntax error"},
		{"cut short", "{\n  \"formatVersion\": 1,\n", "line 3, column 1: JSON syntax error"},
		{"empty", "", "empty"},
		{"not an object", "[]", "not a JSON object"},
		{"trailing data", doc() + "\n{}", "line 2, column 1: data after"},
		{"unknown member", "{\n  \"formatVersion\": 1,\n  \"policyStores\": [{\"policyStoreID\": \"x\"}]\n}",
			`line 3, column 21: policyStores[0] has no member "policyStoreID"`},
		{"unknown top-level member", `{"formatVersion":1,"faults":[]}`, `line 1, column 20: the state has no member "faults"`},
		{"wrong type", "{\n  \"formatVersion\": \"1\"\n}", "line 2, column 20: formatVersion is a JSON string, not the number it must be"},
		{"fractional version", `{"formatVersion":1.5}`, "line 1, column 18: formatVersion is a JSON number that is not an integer"},
		{"wrong type deep", `{"formatVersion":1,"policyStores":[{"tags":{"a":1}}]}`, `line 1, column 49: policyStores[0].tags.a is a JSON number, not the string it must be`},
		{"store not an object", `{"formatVersion":1,"policyStores":["x"]}`, `line 1, column 36: policyStores[0] is a JSON string, not the object it must be`},
		{"member of a wrong-type value", `{"formatVersion":1,"policyStores":{"x":1}}`, `line 1, column 35: policyStores is a JSON object, not the array it must be`},
		{"format version", `{"formatVersion":2,"policyStores":[]}`, "formatVersion is 2"},
		{"no format version", `{"policyStores":[]}`, "formatVersion is 0"},
		{"bad policy store id", doc(ps("no spaces", "")), `policyStores[0] (policy store no spaces): policyStoreId: Member must satisfy regular expression pattern`},
		{"arn of another account", strings.Replace(doc(ps(store, "")), "123456789012", "210987654321", 1), "is not " + arn + store},
		{"bad mode", strings.Replace(doc(ps(store, "")), `"OFF"`, `"LAX"`, 1), "validationSettings.mode: Member must satisfy enum value set"},
		{"long description", doc(ps(store, `,"description":"`+strings.Repeat("d", 151)+`"`)), "description: Member must have length less than or equal to 150"},
		{"bad encryption", doc(ps(store, `,"encryptionState":{"default":{},"kmsEncryptionState":{"key":"k","encryptionContext":{}}}`)), "encryptionState: Member must have exactly one union member set"},
		{"bad date", strings.Replace(doc(ps(store, "")), "2024-08-12T18:20:50.99Z", "yesterday", 1), "createdDate"},
		{"date too precise", strings.Replace(doc(ps(store, "")), "18:20:50.99Z", "18:20:50.123456789Z", 1), "more precise than a microsecond"},
		{"updated before created", strings.Replace(doc(ps(store, "")), "2024-08-12T18:20:50.99Z", "2025-01-01T00:00:00Z", 1), "is before createdDate"},
		{"duplicate policy store", doc(ps(store, ""), ps(store, "")), "policyStoreId " + store + " is also the id of policyStores[0]"},
		{"two identity sources", doc(ps(store, "", is(source, cognito, ""), is(source+"2", cognito, ""))), "has 2 identity sources; a policy store has at most 1"},
		{"duplicate identity source", doc(ps(store, "", is(source, cognito, "")), ps(store+"2", "", is(source, cognito, ""))),
			"identitySourceId " + source + " is also the id of policyStores[0].identitySources[0]"},
		{"bad user pool ARN", doc(ps(store, "", is(source, `{"cognitoUserPoolConfiguration":{"userPoolArn":"arn:aws:cognito-idp:us-east-1:1:userpool/x"}}`, ""))),
			item + ": configuration.cognitoUserPoolConfiguration.userPoolArn: Member must satisfy regular expression pattern"},
		{"two configurations", doc(ps(store, "", is(source, `{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`"},"openIdConnectConfiguration":{"issuer":"https://a.example.com","tokenSelection":{"accessTokenOnly":{}}}}`, ""))),
			item + ": configuration: Member must have exactly one union member set"},
		{"no configuration", doc(ps(store, "", is(source, `null`, ""))), item + ": configuration: Member must not be null"},
		{"unknown configuration member", doc(ps(store, "", is(source, `{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`","issuer":"https://x"}}`, ""))),
			item + ": configuration.cognitoUserPoolConfiguration.issuer: Member is not a member of this structure"},
		{"OIDC issuer not https", doc(ps(store, "", is(source, `{"openIdConnectConfiguration":{"issuer":"http://a.example.com","tokenSelection":{"accessTokenOnly":{}}}}`, ""))),
			"configuration.openIdConnectConfiguration.issuer: Member must satisfy regular expression pattern: ^https://.*$"},
		{"no principal entity type", doc(ps(store, "", strings.Replace(is(source, cognito, ""), `"AWS::Cognito"`, `""`, 1))),
			item + ": principalEntityType: Member must have length greater than or equal to 1"},
		{"bad identity source id", doc(ps(store, "", is("a_b", cognito, ""))), "identitySourceId: Member must satisfy regular expression pattern"},
		{"identity source dates", doc(ps(store, "", strings.Replace(is(source, cognito, ""), `"lastUpdatedDate":"2024-08-12T18:20:50.99Z"`, `"lastUpdatedDate":"2024-08-12"`, 1))),
			item + ": lastUpdatedDate"},
	}
}

// setStateDocument parses doc with ParseState and sets it on srv.
func setStateDocument(srv *fake.Server, doc string) error {
	st, err := fake.ParseState([]byte(doc))
	if err != nil {
		return err
	}
	return srv.SetState(st)
}

// wantStateRefused fails unless setStateDocument refuses doc with an error
// containing want and leaves srv's state as it was.
func wantStateRefused(t *testing.T, srv *fake.Server, doc, want string) {
	t.Helper()
	before := srv.State()
	if err := setStateDocument(srv, doc); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error containing %q", err, want)
	}
	if diff := cmp.Diff(before, srv.State()); diff != "" {
		t.Errorf("state changed (-before +after):\n%s", diff)
	}
}

// TestSetStateRefusesAndKeeps checks SetState returns an error naming
// every invalid item, and changes nothing.
func TestSetStateRefusesAndKeeps(t *testing.T) {
	p := populate(t)
	for _, c := range badStates(p.Stores[0], p.Sources[0]) {
		t.Run(c.name, func(t *testing.T) { wantStateRefused(t, p.srv, c.doc, c.want) })
	}

	// Every invalid item is named, not only the first.
	st := p.srv.State()
	st.PolicyStores[0].ValidationSettings.Mode = "LAX"
	st.PolicyStores[1].IdentitySources[0].PrincipalEntityType = ""
	err := p.srv.SetState(st)
	if err == nil || !strings.Contains(err.Error(), "2 problems") ||
		!strings.Contains(err.Error(), "policyStores[0] (policy store "+p.Stores[0]+"): validationSettings.mode") ||
		!strings.Contains(err.Error(), "policyStores[1].identitySources[0] (identity source "+p.Sources[1]+" of policy store "+p.Stores[1]+"): principalEntityType") {
		t.Errorf("two invalid items: %v", err)
	}
}

// TestStateDefaults: a hand-written state may leave out what the API
// defaults, and gets the API's defaults.
func TestStateDefaults(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	st, err := fake.ParseState([]byte(`{"formatVersion":1,"policyStores":[{
		"policyStoreId":"store-1","arn":"arn:aws:verifiedpermissions::123456789012:policy-store/store-1",
		"validationSettings":{"mode":"OFF"},"createdDate":"2024-08-12T20:20:50+02:00","lastUpdatedDate":"2024-08-12T18:20:50Z",
		"identitySources":[{"identitySourceId":"source-1","principalEntityType":"MyCorp::User",
			"configuration":{"openIdConnectConfiguration":{"issuer":"https://auth.example.com","tokenSelection":{"accessTokenOnly":{}}}},
			"createdDate":"2024-08-12T18:20:50Z","lastUpdatedDate":"2024-08-12T18:20:50Z"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetState(st); err != nil {
		t.Fatal(err)
	}
	got := srv.State().PolicyStores[0]
	if got.DeletionProtection != "DISABLED" || got.CreatedDate != "2024-08-12T18:20:50Z" {
		t.Errorf("defaults: %+v", got)
	}
	if c := string(got.IdentitySources[0].Configuration); !strings.Contains(c, `"principalIdClaim":"sub"`) {
		t.Errorf("configuration %s lacks the default principalIdClaim", c)
	}
	// DeletePolicyStore of a store with deletion protection disabled works.
	vp := newHarness(t, srv, false).vp
	if _, err := vp.DeletePolicyStore(context.Background(), &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String("store-1")}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.State().PolicyStores); n != 0 {
		t.Errorf("%d policy stores after delete", n)
	}
}

// TestStateChangedHook checks the hook is called once per change, never
// for reads or calls that change nothing, and may read the state.
func TestStateChangedHook(t *testing.T) {
	var calls atomic.Int32
	var srv *fake.Server
	var mu sync.Mutex
	var seen []int
	srv = fake.NewServer(fake.WithoutListener(), fake.WithStateChanged(func() {
		calls.Add(1)
		n := len(srv.State().PolicyStores) // the hook may read the state
		mu.Lock()
		seen = append(seen, n)
		mu.Unlock()
	}))
	defer srv.Close()
	vp := newHarness(t, srv, false).vp
	ctx := context.Background()
	expect := func(step string, want int32) {
		t.Helper()
		if got := calls.Load(); got != want {
			t.Errorf("after %s: %d calls, want %d", step, got, want)
		}
	}
	expect("start", 0)
	ps, err := vp.CreatePolicyStore(ctx, sdktest.PolicyStoreInput("token-1"))
	if err != nil {
		t.Fatal(err)
	}
	expect("CreatePolicyStore", 1)
	if _, err := vp.CreatePolicyStore(ctx, sdktest.PolicyStoreInput("token-1")); err != nil {
		t.Fatal(err)
	}
	expect("a replayed CreatePolicyStore", 1)
	is, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: ps.PolicyStoreId, Configuration: cognitoConfiguration(userPoolArn),
	})
	if err != nil {
		t.Fatal(err)
	}
	expect("CreateIdentitySource", 2)
	if _, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: ps.PolicyStoreId, Configuration: cognitoConfiguration(userPoolArn),
	}); err == nil {
		t.Fatal("a second identity source was created")
	}
	expect("a refused CreateIdentitySource", 2)
	if _, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: ps.PolicyStoreId, IdentitySourceId: is.IdentitySourceId}); err != nil {
		t.Fatal(err)
	}
	expect("GetIdentitySource", 2)
	if _, err := vp.UpdateIdentitySource(ctx, updateInput(aws.ToString(ps.PolicyStoreId), aws.ToString(is.IdentitySourceId))); err != nil {
		t.Fatal(err)
	}
	expect("UpdateIdentitySource", 3)
	if err := srv.InjectFault(fake.Fault{Operation: "DeleteIdentitySource", Error: "InternalServerException", Count: 1}); err != nil {
		t.Fatal(err)
	}
	ref := &verifiedpermissions.DeleteIdentitySourceInput{PolicyStoreId: ps.PolicyStoreId, IdentitySourceId: is.IdentitySourceId}
	if _, err := vp.DeleteIdentitySource(ctx, ref); err == nil {
		t.Fatal("the fault did not fire")
	}
	expect("a faulted DeleteIdentitySource", 3)
	if _, err := vp.DeleteIdentitySource(ctx, ref); err != nil {
		t.Fatal(err)
	}
	expect("DeleteIdentitySource", 4)
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(unknownStoreID)}); err != nil {
		t.Fatal(err)
	}
	expect("DeletePolicyStore of a missing store", 4)
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: ps.PolicyStoreId}); err != nil {
		t.Fatal(err)
	}
	expect("DeletePolicyStore", 5)
	st := srv.State()
	srv.Reset()
	expect("Reset", 6)
	if err := srv.SetState(st); err != nil {
		t.Fatal(err)
	}
	expect("SetState", 7)
	if err := srv.SetState(fake.State{}); err == nil {
		t.Fatal("SetState of the zero State succeeded")
	}
	expect("a refused SetState", 7)
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]int{1, 1, 1, 1, 0, 0, 0}, seen); diff != "" {
		t.Errorf("policy stores seen by the hook (-want +got):\n%s", diff)
	}
}

// TestStateNewIDsAreFresh: a seeded server restarted from a state draws
// the same ids again, and must skip those in use.
func TestStateNewIDsAreFresh(t *testing.T) {
	p := populate(t)
	st := p.srv.State()
	again := fake.NewServer(fake.WithoutListener(), fake.WithIDSeed(1), fake.WithState(st))
	defer again.Close()
	vp := newHarness(t, again, false).vp
	out, err := vp.CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput(""))
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.PolicyStoreId)
	for _, used := range append(p.Stores, p.Sources...) {
		if id == used {
			t.Errorf("new policy store got id %s, already in use", id)
		}
	}
	if n := len(again.State().PolicyStores); n != 3 {
		t.Errorf("%d policy stores, want 3", n)
	}
}

// TestWithStateInvalidPanics: an invalid WithState is a mistake in the
// calling code, like the other options.
func TestWithStateInvalidPanics(t *testing.T) {
	defer func() {
		v := recover()
		if s, _ := v.(string); !strings.Contains(s, "WithState") || !strings.Contains(s, "formatVersion") {
			t.Errorf("recovered %v, want a panic naming WithState and the problem", v)
		}
	}()
	srv := fake.NewServer(fake.WithoutListener(), fake.WithState(fake.State{}))
	srv.Close()
}

// withPolicies is a server, with the ids of WithIDSeed(1) and a clock
// moving between calls, holding one policy store with three policies: one
// with a name and a description, updated since; one plain; and one
// created and deleted.
type withPolicies struct {
	srv                 *fake.Server
	store, named, plain string
}

func makePolicies(t *testing.T) withPolicies {
	t.Helper()
	clock := newTestClock()
	srv := fake.NewServer(fake.WithoutListener(), fake.WithClock(clock.Now), fake.WithIDSeed(1))
	t.Cleanup(srv.Close)
	h := newHarness(t, srv, false)
	ctx := context.Background()
	w := withPolicies{srv: srv, store: h.mustCreatePolicyStore(t)}
	clock.Advance(1234567 * time.Microsecond)
	out, err := h.vp.CreatePolicy(ctx, &verifiedpermissions.CreatePolicyInput{
		PolicyStoreId: aws.String(w.store), Name: aws.String("name/alice"),
		Definition: staticDefinition(`permit(principal == MyCorp::User::"alice", action, resource);`, "alice"),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.named = aws.ToString(out.PolicyId)
	clock.Advance(time.Second)
	w.plain = h.mustCreatePolicy(t, w.store, "forbid(principal, action, resource)\nwhen { context.risk > 7 };")
	deleted := h.mustCreatePolicy(t, w.store, openPolicy)
	if _, err := h.vp.DeletePolicy(ctx, &verifiedpermissions.DeletePolicyInput{PolicyStoreId: aws.String(w.store), PolicyId: aws.String(deleted)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if _, err := h.vp.UpdatePolicy(ctx, &verifiedpermissions.UpdatePolicyInput{
		PolicyStoreId: aws.String(w.store), PolicyId: aws.String("name/alice"),
		Definition: &types.UpdatePolicyDefinitionMemberStatic{Value: types.UpdateStaticPolicyDefinition{
			Statement:   aws.String(`permit(principal == MyCorp::User::"alice", action == MyCorp::Action::"read", resource);`),
			Description: aws.String("alice reads"),
		}},
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// policyReads returns what GetPolicy and ListPolicies answer on srv for the
// store's policies, as JSON.
func policyReads(t *testing.T, srv *fake.Server, store string, ids ...string) []string {
	t.Helper()
	h := newHarness(t, srv, false)
	var out []string
	for _, id := range ids {
		w, _ := serveOnce(t, srv, "GetPolicy", `{"policyStoreId":"`+store+`","policyId":"`+id+`"}`)
		out = append(out, w.Body.String())
	}
	list, err := h.vp.ListPolicies(context.Background(), &verifiedpermissions.ListPoliciesInput{PolicyStoreId: aws.String(store)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.Policies {
		out = append(out, aws.ToString(p.PolicyId)+" "+aws.ToString(p.Name)+" "+p.LastUpdatedDate.String())
	}
	return out
}

// TestStatePoliciesRoundTrip: policies survive State, ParseState and
// SetState (or WithState) exactly, names and dates included.
func TestStatePoliciesRoundTrip(t *testing.T) {
	w := makePolicies(t)
	_, servers := roundTripState(t, w.srv, func(srv *fake.Server) []string {
		return policyReads(t, srv, w.store, w.named, w.plain, "name/alice")
	})
	for name, srv := range servers {
		if u := srv.Usage(); u.StateBytes != w.srv.Usage().StateBytes {
			t.Errorf("%s: %d state bytes, want %d as on the first server", name, u.StateBytes, w.srv.Usage().StateBytes)
		}
	}
	// The name still stands for the id, and is still taken.
	h := newHarness(t, servers["SetState"], false)
	_, err := h.vp.CreatePolicy(context.Background(), &verifiedpermissions.CreatePolicyInput{
		PolicyStoreId: aws.String(w.store), Name: aws.String("name/alice"), Definition: staticDefinition(openPolicy, ""),
	})
	if errorCode(err) != "ConflictException" {
		t.Errorf("CreatePolicy with a name from the state: %v, want ConflictException", err)
	}
}

// TestStatePoliciesDocument pins the JSON of a store's policies in a State.
func TestStatePoliciesDocument(t *testing.T) {
	w := makePolicies(t)
	b, err := json.MarshalIndent(w.srv.State().PolicyStores[0].Policies, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("NAMED", w.named, "PLAIN", w.plain).Replace(`[
  {
    "policyId": "NAMED",
    "name": "name/alice",
    "statement": "permit(principal == MyCorp::User::\"alice\", action == MyCorp::Action::\"read\", resource);",
    "description": "alice reads",
    "createdDate": "2024-08-12T18:20:52.224567Z",
    "lastUpdatedDate": "2024-08-12T18:20:54.224567Z"
  },
  {
    "policyId": "PLAIN",
    "statement": "forbid(principal, action, resource)\nwhen { context.risk \u003e 7 };",
    "createdDate": "2024-08-12T18:20:53.224567Z",
    "lastUpdatedDate": "2024-08-12T18:20:53.224567Z"
  }
]`)
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
}

// TestSetStateRefusesBadPolicies: SetState names every invalid policy and
// changes nothing.
func TestSetStateRefusesBadPolicies(t *testing.T) {
	w := makePolicies(t)
	const item = "policyStores[0].policies[0] (policy P1 of policy store store-1)"
	policy := func(id, extra string) string {
		return `{"policyId":"` + id + `","statement":"permit(principal, action, resource);",` +
			`"createdDate":"2024-08-12T18:20:50.99Z","lastUpdatedDate":"2024-08-12T18:20:50.99Z"` + extra + `}`
	}
	doc := func(policies ...string) string {
		return `{"formatVersion":1,"policyStores":[{"policyStoreId":"store-1","arn":"arn:aws:verifiedpermissions::123456789012:policy-store/store-1",` +
			`"validationSettings":{"mode":"OFF"},"createdDate":"2024-08-12T18:20:50.99Z","lastUpdatedDate":"2024-08-12T18:20:50.99Z",` +
			`"identitySources":[],"policies":[` + strings.Join(policies, ",") + `]}]}`
	}
	withStatement := func(stmt string) string {
		return strings.Replace(policy("P1", ""), `"permit(principal, action, resource);"`, mustJSON(t, stmt), 1)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"statement not Cedar", doc(withStatement("permit(")), item + ": statement: Member must be a valid Cedar policy"},
		{"two policies", doc(withStatement(openPolicy + openPolicy)), item + ": statement: Member must hold exactly one Cedar policy"},
		{"template slot", doc(withStatement("permit(principal == ?principal, action, resource);")), item + ": statement: Member must be a valid Cedar policy, static, without template slots"},
		{"empty statement", doc(withStatement("")), item + ": statement: Member must have length greater than or equal to 1"},
		{"over 10,000 bytes", doc(withStatement(`permit(principal, action, resource) when { context.s == "` + strings.Repeat("x", 10000) + `" };`)),
			item + ": statement: Member must have length less than or equal to 10000 bytes"},
		{"long description", doc(policy("P1", `,"description":"`+strings.Repeat("d", 151)+`"`)), item + ": description: Member must have length less than or equal to 150"},
		{"name without name/", doc(policy("P1", `,"name":"alice"`)), item + ": name: Member must start with name/"},
		{"name pattern", doc(policy("P1", `,"name":"name/a b"`)), item + ": name: Member must satisfy regular expression pattern"},
		{"duplicate name", doc(policy("P0", `,"name":"name/a"`), policy("P1", `,"name":"name/a"`)),
			"policyStores[0].policies[1] (policy P1 of policy store store-1): name name/a is also the name of policyStores[0].policies[0]"},
		{"duplicate id", doc(policy("P1", ""), policy("P1", "")),
			"policyStores[0].policies[1] (policy P1 of policy store store-1): policyId P1 is also the id of policyStores[0].policies[0]"},
		{"bad id", doc(policy("P 1", "")), "policyStores[0].policies[0] (policy P 1 of policy store store-1): policyId: Member must satisfy regular expression pattern"},
		{"id that is a name", doc(policy("name/P1", "")), "policyId name/P1 starts with name/"},
		{"updated before created", doc(strings.Replace(policy("P1", ""), "2024-08-12T18:20:50.99Z", "2025-01-01T00:00:00Z", 1)), item + ": lastUpdatedDate"},
		{"unknown member", doc(policy("P1", `,"effect":"Permit"`)), `policies[0] has no member "effect"`},
	} {
		t.Run(tc.name, func(t *testing.T) { wantStateRefused(t, w.srv, tc.doc, tc.want) })
	}
	// A valid document with a policy is accepted.
	if err := setStateDocument(w.srv, doc(policy("P1", `,"name":"name/p1"`))); err != nil {
		t.Fatalf("a valid state with a policy: %v", err)
	}
	got := policyReads(t, w.srv, "store-1", "name/p1")
	if len(got) != 2 || !strings.Contains(got[0], `"policyId":"P1"`) || !strings.Contains(got[0], `"effect":"Permit"`) {
		t.Errorf("reads after SetState: %v", got)
	}
}

// TestStatePoliciesCountTowardsStateBytes: SetState refuses a state whose
// policies take more than WithMaxStateBytes.
func TestStatePoliciesCountTowardsStateBytes(t *testing.T) {
	w := makePolicies(t)
	st := w.srv.State()
	small := fake.NewServer(fake.WithoutListener(), fake.WithMaxStateBytes(2048))
	defer small.Close()
	withoutPolicies := st
	withoutPolicies.PolicyStores = []fake.PolicyStoreState{st.PolicyStores[0]}
	withoutPolicies.PolicyStores[0].Policies = nil
	if err := small.SetState(withoutPolicies); err != nil {
		t.Fatalf("the store alone: %v", err)
	}
	if err := small.SetState(st); err == nil || !strings.Contains(err.Error(), "more than the limit of 2048") {
		t.Errorf("the store with its policies: %v, want an error about the limit of 2048 bytes", err)
	}
}

// TestStatePolicyIDsAreFresh: a seeded server started from a state skips
// the policy ids in use.
func TestStatePolicyIDsAreFresh(t *testing.T) {
	w := makePolicies(t)
	again := fake.NewServer(fake.WithoutListener(), fake.WithIDSeed(1), fake.WithState(w.srv.State()))
	defer again.Close()
	h := newHarness(t, again, false)
	store := h.mustCreatePolicyStore(t)
	id := h.mustCreatePolicy(t, store, openPolicy)
	for _, used := range []string{w.store, w.named, w.plain, store} {
		if id == used {
			t.Errorf("new policy got id %s, already in use", id)
		}
	}
}

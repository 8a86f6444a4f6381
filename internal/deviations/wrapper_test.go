package deviations

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

// wrapper is a deviation or a conforming variant, as the tests common to
// both see it.
type wrapper struct {
	// kind is "deviation" or "variant".
	kind string
	name string
	// sentences are the fields that must each be one sentence, by name.
	sentences  map[string]string
	middleware func(http.Handler) http.Handler
	// unitTest is its entry in unitTests or variantUnitTests, nil when it
	// has none.
	unitTest func(t *testing.T, r *rig)
	// untouched checks, beyond checkNonAPIUntouched, traffic of r that
	// every wrapper of its kind leaves alone.
	untouched func(t *testing.T, r *rig, name string)
}

// wrappers returns every deviation, then every conforming variant.
func wrappers() []wrapper {
	var all []wrapper
	for _, d := range All() {
		all = append(all, wrapper{kind: "deviation", name: d.Name, sentences: map[string]string{"description": d.Description},
			middleware: d.middleware, unitTest: unitTests[d.Name], untouched: deviationUntouched})
	}
	for _, v := range Conforming() {
		all = append(all, wrapper{kind: "variant", name: v.Name, sentences: map[string]string{"description": v.Description, "allowed": v.Allowed},
			middleware: v.middleware, unitTest: variantUnitTests[v.Name], untouched: variantUntouched})
	}
	return all
}

// deviationUntouched checks that the policy stores' answers and
// ListIdentitySources go through a deviation unchanged, except through the
// two deviations that change every answer.
func deviationUntouched(_ *testing.T, r *rig, name string) {
	if name == "json-content-type" || name == "timestamps-as-epoch-numbers" {
		return
	}
	store := r.createStore()
	r.same("GetPolicyStore", map[string]any{"policyStoreId": store})
	r.same("ListIdentitySources", map[string]any{"policyStoreId": store})
}

// variantUntouched checks that reading the faults through the control route
// goes through a variant unchanged.
func variantUntouched(t *testing.T, r *rig, _ string) {
	want, got := r.control(http.MethodGet, faultControlPath, "")
	if want.Status != got.Status || !bytes.Equal(want.Body, got.Body) {
		t.Errorf("GET %s: faithful %d %s, wrapped %d %s", faultControlPath, want.Status, want.Body, got.Status, got.Body)
	}
}

// forEachWrapper runs test, in parallel, as a subtest for each deviation
// and variant.
func forEachWrapper(t *testing.T, test func(t *testing.T, w wrapper)) {
	for _, w := range wrappers() {
		t.Run(w.kind+"/"+w.name, func(t *testing.T) {
			t.Parallel()
			test(t, w)
		})
	}
}

// TestEveryWrapperHasAUnitTest checks that unitTests and variantUnitTests
// hold a test for every deviation and variant, and no other.
func TestEveryWrapperHasAUnitTest(t *testing.T) {
	names := map[string]bool{}
	for _, w := range wrappers() {
		names[w.kind+"/"+w.name] = true
		if w.unitTest == nil {
			t.Errorf("%s %s has no unit test in unitTests or variantUnitTests", w.kind, w.name)
		}
	}
	for table, tests := range map[string]map[string]func(*testing.T, *rig){"deviation": unitTests, "variant": variantUnitTests} {
		for name := range tests {
			if !names[table+"/"+name] {
				t.Errorf("the unit tests of the %ss have %s, which is no %s", table, name, table)
			}
		}
	}
}

// TestWrap runs the unit test of each deviation and variant: its rewrite
// does what its Description says and leaves other traffic alone.
func TestWrap(t *testing.T) {
	forEachWrapper(t, func(t *testing.T, w wrapper) {
		if w.unitTest == nil {
			t.Skip("no unit test (TestEveryWrapperHasAUnitTest fails)")
		}
		w.unitTest(t, newRig(t, w.middleware))
	})
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// minDeviations and minVariants are how many deviations All and variants
// Conforming return at least.
const (
	minDeviations = 24
	minVariants   = 13
)

func TestDeclarations(t *testing.T) {
	all, variants := All(), Conforming()
	if len(all) < minDeviations || len(variants) < minVariants {
		t.Errorf("All returns %d deviations and Conforming %d variants, want at least %d and %d", len(all), len(variants), minDeviations, minVariants)
	}
	if !slices.IsSortedFunc(all, func(a, b Deviation) int { return strings.Compare(a.Name, b.Name) }) ||
		!slices.IsSortedFunc(variants, func(a, b Variant) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All or Conforming is not sorted by name")
	}
	seen := map[string]bool{}
	for _, w := range wrappers() {
		if !kebab.MatchString(w.name) {
			t.Errorf("%s name %q is not kebab-case", w.kind, w.name)
		}
		if seen[w.name] {
			t.Errorf("name %q appears twice, among the deviations or the variants", w.name)
		}
		seen[w.name] = true
		for field, s := range w.sentences {
			if !strings.HasSuffix(s, ".") || strings.ContainsAny(s, "\n\t") {
				t.Errorf("%s: %s %q is not one sentence", w.name, field, s)
			}
		}
		if w.middleware == nil {
			t.Errorf("%s: no middleware", w.name)
		}
	}
	for _, d := range all {
		switch d.Evidence {
		case specs.EvidenceModel, specs.EvidenceDocs, specs.EvidenceObserved, specs.EvidenceInferred:
		default:
			t.Errorf("%s: evidence %q is not M, D, O or I", d.Name, d.Evidence)
		}
		if len(d.DetectedBy) == 0 {
			t.Errorf("%s: DetectedBy is empty", d.Name)
		}
		if got, ok := ByName(d.Name); !ok || got.Name != d.Name {
			t.Errorf("ByName(%q) = %v, %v", d.Name, got.Name, ok)
		}
	}
	for _, v := range variants {
		if got, ok := VariantByName(v.Name); !ok || got.Name != v.Name {
			t.Errorf("VariantByName(%q) = %v, %v", v.Name, got.Name, ok)
		}
	}
	if _, ok := ByName("no-such-deviation"); ok {
		t.Error("ByName found no-such-deviation")
	}
	if _, ok := VariantByName("no-such-variant"); ok {
		t.Error("VariantByName found no-such-variant")
	}
}

func TestZeroWrapperChangesNothing(t *testing.T) {
	h := canned(200, nil, "x")
	for name, wrapped := range map[string]http.Handler{"Deviation": Wrap(h, Deviation{}), "Variant": Wrap(h, Variant{})} {
		if wrapped == nil {
			t.Fatalf("a zero %s wraps into nil", name)
		}
		rec := httptest.NewRecorder()
		wrapped.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Body.String() != "x" {
			t.Errorf("a zero %s: body %q, want %q", name, rec.Body, "x")
		}
	}
}

// TestOtherTrafficUntouched sends what is not an API call, or not one any
// wrapper of its kind is about, through every deviation and variant.
func TestOtherTrafficUntouched(t *testing.T) {
	forEachWrapper(t, func(t *testing.T, w wrapper) {
		r := newRig(t, w.middleware)
		checkNonAPIUntouched(t, r)
		w.untouched(t, r, w.name)
	})
}

// checkNonAPIUntouched sends requests that are not API calls (a control
// route, another method, another X-Amz-Target) to both fakes of r and fails
// unless they answer alike.
func checkNonAPIUntouched(t *testing.T, r *rig) {
	t.Helper()
	for _, req := range []func() *http.Request{
		func() *http.Request { return httptest.NewRequest(http.MethodGet, "/_vpfake/health", nil) },
		func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) },
		func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
			req.Header.Set("X-Amz-Target", "Other.Thing")
			return req
		},
	} {
		want, got := do(t, r.faithful, req()), do(t, r.wrapped, req())
		if want.Status != got.Status || !bytes.Equal(want.Body, got.Body) {
			t.Errorf("%s %s: faithful %d %s, wrapped %d %s", req().Method, req().URL.Path, want.Status, want.Body, got.Status, got.Body)
		}
	}
}

// TestMalformedBodiesNeverPanic sends malformed requests through each
// deviation and variant to a fake, and requests of every kind through each
// to servers giving malformed answers: each answer must come, with a
// correct Content-Length, and no panic.
func TestMalformedBodiesNeverPanic(t *testing.T) {
	bodies := []string{
		``, `{`, `null`, `[]`, `"x"`, `{} {}`, `{"policyStoreId": 5, "identitySourceId": []}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": null}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": "x"}}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": {"userPoolArn": 7}}}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"openIdConnectConfiguration": {"tokenSelection": {"accessTokenOnly": 1}}}}`,
		`{"policyStoreId": "a", "configuration": {"cognitoUserPoolConfiguration": {"userPoolArn": "bad"}}}`,
		strings.Repeat(`[`, 10000),
	}
	answers := []string{``, `{`, `null`, `[1]`, `{"__type": 5}`, `{"identitySources": "x"}`, `{"configuration": []}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "createdDate": 5, "lastUpdatedDate": "x", "configuration": {"cognitoUserPoolConfiguration": {"issuer": "https://cognito-idp.x"}}}`}
	ops := []string{"GetIdentitySource", "UpdateIdentitySource", "CreateIdentitySource", "ListIdentitySources", "DeleteIdentitySource", "GetPolicyStore"}
	forEachWrapper(t, func(t *testing.T, w wrapper) {
		h := w.middleware(newFake())
		for _, op := range ops {
			for _, b := range bodies {
				if got := send(t, h, op, b); got.Status == 0 {
					t.Errorf("%s %q: no status", op, b)
				}
			}
		}
		for _, status := range []int{200, 400, 404, 409, 429} {
			for _, a := range answers {
				h := w.middleware(canned(status, map[string]string{"Content-Type": schemas.ContentType}, a))
				for _, op := range ops {
					for _, b := range bodies[:8] {
						send(t, h, op, b)
					}
					send(t, h, op, `{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": {"userPoolArn": "bad"}}}`)
				}
			}
		}
	})
}

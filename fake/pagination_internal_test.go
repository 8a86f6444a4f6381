package fake

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestListPagination raises the one-per-store quota inside the package to
// page through several identity sources.
func TestListPagination(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	o := defaultOptions()
	o.now = func() time.Time { return now }
	e := newEngine(o, newIDSource(1, true))
	e.identitySourceQuota = 100
	ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 23 {
		in := createIdentitySourceInput{
			PolicyStoreID: ps.PolicyStoreID,
			Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_a"}},
		}
		if i%2 == 1 {
			p := "MyCorp::User"
			in.PrincipalEntityType = &p
		}
		out, err := e.createIdentitySource(in)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, out.IdentitySourceID)
		if i%5 == 0 {
			now = now.Add(time.Second) // some share a createdDate, some do not
		}
	}
	page := func(max *float64, tok *string, filters ...identitySourceFilter) ([]string, *string) {
		t.Helper()
		out, err := e.listIdentitySources(listIdentitySourcesInput{PolicyStoreID: ps.PolicyStoreID, MaxResults: max, NextToken: tok, Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, is := range out.IdentitySources {
			ids = append(ids, is.IdentitySourceID)
		}
		return ids, out.NextToken
	}
	all := func(max *float64, filters ...identitySourceFilter) (ids []string, sizes []int) {
		var tok *string
		for {
			got, next := page(max, tok, filters...)
			ids, sizes = append(ids, got...), append(sizes, len(got))
			if next == nil {
				return ids, sizes
			}
			if _, err := base64.StdEncoding.DecodeString(*next); err != nil {
				t.Errorf("nextToken %q is not base64", *next)
			}
			tok = next
		}
	}
	f := func(v float64) *float64 { return &v }

	ids, sizes := all(nil)
	if diff := cmp.Diff([]int{10, 10, 3}, sizes); diff != "" {
		t.Errorf("default page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sortedByCreation(e, ps.PolicyStoreID), ids); diff != "" {
		t.Errorf("all ids (-want +got):\n%s", diff)
	}
	if len(ids) != len(want) {
		t.Errorf("listed %d of %d", len(ids), len(want))
	}
	if _, sizes = all(f(7)); !cmp.Equal([]int{7, 7, 7, 2}, sizes) {
		t.Errorf("maxResults 7 page sizes %v", sizes)
	}
	e.identitySourceQuota = 200
	for range 40 {
		if _, err := e.createIdentitySource(createIdentitySourceInput{PolicyStoreID: ps.PolicyStoreID, Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_a"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := page(f(1e9), nil); len(got) != 50 {
		t.Errorf("maxResults above 50 gave %d items, want 50", len(got))
	}
	p := "MyCorp::User"
	if ids, _ := all(f(4), identitySourceFilter{PrincipalEntityType: &p}); len(ids) != 11 {
		t.Errorf("filtered list has %d items, want 11", len(ids))
	}

	// A deletion between pages neither repeats nor skips anything.
	first, tok := page(f(5), nil)
	if _, err := e.deleteIdentitySource(identitySourceRef{PolicyStoreID: ps.PolicyStoreID, IdentitySourceID: first[4]}); err != nil {
		t.Fatal(err)
	}
	second, _ := page(f(5), tok)
	if diff := cmp.Diff(sortedByCreation(e, ps.PolicyStoreID)[4:9], second); diff != "" {
		t.Errorf("page after a deletion (-want +got):\n%s", diff)
	}

	// A token from another store is refused.
	other, _ := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	_, err = e.listIdentitySources(listIdentitySourcesInput{PolicyStoreID: other.PolicyStoreID, NextToken: tok})
	var ve *ValidationException
	if !errors.As(err, &ve) || ve.FieldList[0].Path != "nextToken" {
		t.Errorf("token of another store: %v", err)
	}
}

func sortedByCreation(e *engine, storeID string) []string {
	out, _ := e.listIdentitySources(listIdentitySourcesInput{PolicyStoreID: storeID, MaxResults: ptr(1e9)})
	var ids []string
	for _, is := range out.IdentitySources {
		ids = append(ids, is.IdentitySourceID)
	}
	// Only the first page (50) is needed by the callers.
	return ids
}

func ptr[T any](v T) *T { return &v }

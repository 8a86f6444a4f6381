package fake

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/google/go-cmp/cmp"
)

// policyEngine is an engine with a clock the test moves, and a policy
// store.
type policyEngine struct {
	*engine
	now   *time.Time
	store string
}

func newPolicyEngine(t *testing.T, configure ...func(*options)) policyEngine {
	t.Helper()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	o := defaultOptions()
	o.now = func() time.Time { return now }
	for _, c := range configure {
		c(&o)
	}
	e := newEngine(o, newIDSource(1, true))
	ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatal(err)
	}
	return policyEngine{engine: e, now: &now, store: ps.PolicyStoreID}
}

func (pe policyEngine) advance(d time.Duration) { *pe.now = pe.now.Add(d) }

func staticInput(store, statement string) createPolicyInput {
	return createPolicyInput{PolicyStoreID: store, Definition: policyDefinition{Static: &staticPolicyDefinition{Statement: statement}}}
}

func (pe policyEngine) mustCreate(t *testing.T, statement string, name ...string) createPolicyOutput {
	t.Helper()
	in := staticInput(pe.store, statement)
	if len(name) > 0 {
		in.Name = &name[0]
	}
	out, err := pe.createPolicy(in)
	if err != nil {
		t.Fatalf("CreatePolicy %q: %v", statement, err)
	}
	return out
}

// wantValidation fails unless err is a ValidationException whose fieldList
// is exactly one path.
func wantValidation(t *testing.T, err error, path string) {
	t.Helper()
	var ve *ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a ValidationException about %s", err, path)
	}
	if len(ve.FieldList) != 1 || ve.FieldList[0].Path != path {
		t.Errorf("fieldList %+v, want one field with path %s", ve.FieldList, path)
	}
}

// wantNotFound fails unless err is a ResourceNotFoundException of rt and id.
func wantNotFound(t *testing.T, err error, rt ResourceType, id string) {
	t.Helper()
	var nf *ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ResourceType != rt || nf.ResourceID != id {
		t.Fatalf("got %v, want a ResourceNotFoundException for %s %s", err, rt, id)
	}
}

// wantConflict fails unless err is a ConflictException naming id as a
// resource of type rt.
func wantConflict(t *testing.T, err error, rt ResourceType, id string) {
	t.Helper()
	var ce *ConflictException
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a ConflictException", err)
	}
	if diff := cmp.Diff([]ResourceConflict{{ResourceID: id, ResourceType: rt}}, ce.Resources); diff != "" {
		t.Errorf("ConflictException resources (-want +got):\n%s", diff)
	}
}

func TestPolicyScopeMembers(t *testing.T) {
	user := &entityIdentifier{EntityType: "MyCorp::User", EntityID: "us-east-1_abc|sub1"}
	group := &entityIdentifier{EntityType: "MyCorp::UserGroup", EntityID: "admins"}
	folder := &entityIdentifier{EntityType: "MyCorp::Folder", EntityID: "f1"}
	read := actionIdentifier{ActionType: "MyCorp::Action", ActionID: "read"}
	write := actionIdentifier{ActionType: "MyCorp::Action", ActionID: "write"}
	for _, tc := range []struct {
		name, statement string
		want            policyScopeMembers
	}{
		{"unconstrained", `permit(principal, action, resource);`, policyScopeMembers{Effect: "Permit"}},
		{"forbid", `forbid(principal, action, resource) when { principal has email };`, policyScopeMembers{Effect: "Forbid"}},
		{"principal ==, action ==", `permit(principal == MyCorp::User::"us-east-1_abc|sub1", action == MyCorp::Action::"read", resource);`,
			policyScopeMembers{Principal: user, Actions: []actionIdentifier{read}, Effect: "Permit"}},
		{"principal in, action in [..]", `permit(principal in MyCorp::UserGroup::"admins", action in [MyCorp::Action::"read", MyCorp::Action::"write"], resource);`,
			policyScopeMembers{Principal: group, Actions: []actionIdentifier{read, write}, Effect: "Permit"}},
		{"action in one", `permit(principal, action in MyCorp::Action::"read", resource);`,
			policyScopeMembers{Actions: []actionIdentifier{read}, Effect: "Permit"}},
		{"action in []", `permit(principal, action in [], resource);`,
			policyScopeMembers{Actions: []actionIdentifier{}, Effect: "Permit"}},
		{"plain Action type", `permit(principal, action == Action::"view", resource);`,
			policyScopeMembers{Actions: []actionIdentifier{{ActionType: "Action", ActionID: "view"}}, Effect: "Permit"}},
		{"is", `permit(principal is MyCorp::User, action, resource is MyCorp::Doc);`, policyScopeMembers{Effect: "Permit"}},
		{"is in", `permit(principal is MyCorp::User in MyCorp::UserGroup::"admins", action, resource is MyCorp::Doc in MyCorp::Folder::"f1");`,
			policyScopeMembers{Principal: group, Resource: folder, Effect: "Permit"}},
		{"resource ==", `@id("x") forbid(principal, action, resource == MyCorp::Folder::"f1") unless { context.ok };`,
			policyScopeMembers{Resource: folder, Effect: "Forbid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pe := newPolicyEngine(t)
			out := pe.mustCreate(t, tc.statement)
			if diff := cmp.Diff(tc.want, out.policyScopeMembers); diff != "" {
				t.Errorf("CreatePolicy scope members (-want +got):\n%s", diff)
			}
			got, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: out.PolicyID})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.policyScopeMembers); diff != "" {
				t.Errorf("GetPolicy scope members (-want +got):\n%s", diff)
			}
			if got.Definition.Static == nil || got.Definition.Static.Statement != tc.statement {
				t.Errorf("GetPolicy definition %+v, want the statement %q", got.Definition, tc.statement)
			}
		})
	}
}

// refusedStatements are statements CreatePolicy and UpdatePolicy refuse
// with a ValidationException about the statement.
var refusedStatements = []struct{ name, statement string }{
	{"not Cedar", `permit(principal, action, resource`},
	{"two policies", `permit(principal, action, resource); forbid(principal, action, resource);`},
	{"no policy", `// nothing but a comment`},
	{"template slot", `permit(principal == ?principal, action, resource);`},
	{"action not of type Action", `permit(principal, action == MyCorp::Doc::"read", resource);`},
	{"empty entity id", `permit(principal == MyCorp::User::"", action, resource);`},
	{"line break in an entity id", `permit(principal, action, resource == MyCorp::Doc::"a\nb");`},
	{"entity id over 612 characters", `permit(principal == MyCorp::User::"` + strings.Repeat("u", 613) + `", action, resource);`},
	{"over 10,000 bytes", `permit(principal, action, resource) when { context.s == "` + strings.Repeat("x", maxPolicyBytes) + `" };`},
}

func TestPolicyStatementRefused(t *testing.T) {
	pe := newPolicyEngine(t)
	existing := pe.mustCreate(t, `permit(principal, action, resource);`)
	for _, tc := range refusedStatements {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pe.createPolicy(staticInput(pe.store, tc.statement))
			wantValidation(t, err, statementPath)
			_, err = pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: existing.PolicyID,
				Definition: &updatePolicyDefinition{Static: &staticPolicyDefinition{Statement: tc.statement}}})
			wantValidation(t, err, statementPath)
		})
	}
	if n := len(pe.policyStores[pe.store].policies); n != 1 {
		t.Errorf("%d policies after the refusals, want 1", n)
	}
	// 10,000 bytes exactly is allowed.
	pad := `permit(principal, action, resource) when { context.s == "" };`
	exact := strings.Replace(pad, `""`, `"`+strings.Repeat("x", maxPolicyBytes-len(pad))+`"`, 1)
	if len(exact) != maxPolicyBytes {
		t.Fatalf("test statement has %d bytes", len(exact))
	}
	pe.mustCreate(t, exact)
}

func TestPolicyLifecycleEngine(t *testing.T) {
	pe := newPolicyEngine(t)
	created := pe.mustCreate(t, `permit(principal == MyCorp::User::"alice", action == MyCorp::Action::"read", resource);`)
	if !base62Like(created.PolicyID) || created.PolicyStoreID != pe.store || created.PolicyType != "STATIC" {
		t.Errorf("CreatePolicy output %+v", created)
	}
	if created.CreatedDate != "2025-01-02T03:04:05Z" || created.LastUpdatedDate != created.CreatedDate {
		t.Errorf("dates %s %s, want both 2025-01-02T03:04:05Z", created.CreatedDate, created.LastUpdatedDate)
	}
	pe.advance(time.Minute)
	upd, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID,
		Definition: &updatePolicyDefinition{Static: &staticPolicyDefinition{
			Statement:   `permit(principal == MyCorp::User::"alice", action in [MyCorp::Action::"read", MyCorp::Action::"list"], resource) when { context.mfa };`,
			Description: ptr("alice reads and lists"),
		}}})
	if err != nil {
		t.Fatalf("UpdatePolicy changing the action and the condition: %v", err)
	}
	if upd.CreatedDate != created.CreatedDate || upd.LastUpdatedDate != "2025-01-02T03:05:05Z" || len(upd.Actions) != 2 {
		t.Errorf("UpdatePolicy output %+v", upd)
	}
	got, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID})
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Definition.Static; d == nil || !strings.Contains(d.Statement, "context.mfa") || d.Description == nil || *d.Description != "alice reads and lists" {
		t.Errorf("definition after update %+v", got.Definition.Static)
	}
	if _, err := pe.deletePolicy(deletePolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID}); err != nil {
		t.Fatal(err)
	}
	_, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID})
	wantNotFound(t, err, ResourceTypePolicy, created.PolicyID)
	// Deleting it again, or a policy that never was: 200 [D].
	if _, err := pe.deletePolicy(deletePolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID}); err != nil {
		t.Errorf("DeletePolicy of a deleted policy: %v, want success", err)
	}
	_, err = pe.deletePolicy(deletePolicyInput{PolicyStoreID: "PSnope", PolicyID: created.PolicyID})
	wantNotFound(t, err, ResourceTypePolicyStore, "PSnope")
	_, err = pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: created.PolicyID})
	wantNotFound(t, err, ResourceTypePolicy, created.PolicyID)
	if pe.policyBytes != 0 || len(pe.policyStoreOf) != 0 {
		t.Errorf("after the deletion: %d policy bytes, %d policies indexed, want none", pe.policyBytes, len(pe.policyStoreOf))
	}
}

func base62Like(id string) bool {
	if len(id) != idLength {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune(base62, c) {
			return false
		}
	}
	return true
}

func TestUpdatePolicyKeepsEffectPrincipalResource(t *testing.T) {
	pe := newPolicyEngine(t)
	orig := `permit(principal in MyCorp::UserGroup::"g", action, resource is MyCorp::Doc in MyCorp::Folder::"f");`
	p := pe.mustCreate(t, orig)
	for _, tc := range []struct{ name, statement string }{
		{"effect", `forbid(principal in MyCorp::UserGroup::"g", action, resource is MyCorp::Doc in MyCorp::Folder::"f");`},
		{"principal entity", `permit(principal in MyCorp::UserGroup::"h", action, resource is MyCorp::Doc in MyCorp::Folder::"f");`},
		{"principal operator", `permit(principal == MyCorp::UserGroup::"g", action, resource is MyCorp::Doc in MyCorp::Folder::"f");`},
		{"principal unconstrained", `permit(principal, action, resource is MyCorp::Doc in MyCorp::Folder::"f");`},
		{"resource type", `permit(principal in MyCorp::UserGroup::"g", action, resource is MyCorp::Photo in MyCorp::Folder::"f");`},
		{"resource entity", `permit(principal in MyCorp::UserGroup::"g", action, resource in MyCorp::Folder::"f");`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: p.PolicyID,
				Definition: &updatePolicyDefinition{Static: &staticPolicyDefinition{Statement: tc.statement}}})
			wantValidation(t, err, statementPath)
		})
	}
	got, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: p.PolicyID})
	if err != nil || got.Definition.Static.Statement != orig || got.LastUpdatedDate != p.LastUpdatedDate {
		t.Errorf("after refused updates: %+v, %v; want it unchanged", got, err)
	}
}

func TestPolicyNames(t *testing.T) {
	pe := newPolicyEngine(t)
	// A name must start with name/.
	for _, bad := range []string{"", "example", "name/", "Name/x", "names/x"} {
		in := staticInput(pe.store, `permit(principal, action, resource);`)
		in.Name = ptr(bad)
		_, err := pe.createPolicy(in)
		wantValidation(t, err, "name")
	}
	a := pe.mustCreate(t, `permit(principal, action, resource);`, "name/a")
	b := pe.mustCreate(t, `forbid(principal, action, resource);`, "name/b")
	// Unique per store.
	in := staticInput(pe.store, `permit(principal, action, resource);`)
	in.Name = ptr("name/a")
	_, err := pe.createPolicy(in)
	wantConflict(t, err, ResourceTypePolicy, a.PolicyID)
	_, err = pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: b.PolicyID, Name: ptr("name/a")})
	wantConflict(t, err, ResourceTypePolicy, a.PolicyID)
	_, err = pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: b.PolicyID, Name: ptr("b")})
	wantValidation(t, err, "name")
	// Another store may use the same name.
	other, err := pe.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatal(err)
	}
	in.PolicyStoreID = other.PolicyStoreID
	if _, err := pe.createPolicy(in); err != nil {
		t.Errorf("name/a in another store: %v", err)
	}

	// The name stands for the id in Get, Update and Delete.
	got, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a"})
	if err != nil || got.PolicyID != a.PolicyID || got.Name == nil || *got.Name != "name/a" {
		t.Fatalf("GetPolicy name/a: %+v, %v", got, err)
	}
	_, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: "name/zzz"})
	wantNotFound(t, err, ResourceTypePolicy, "name/zzz")
	// A name-only update keeps the definition, and renames.
	pe.advance(time.Second)
	upd, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a", Name: ptr("name/a2")})
	if err != nil || upd.PolicyID != a.PolicyID || upd.LastUpdatedDate == a.LastUpdatedDate || upd.Effect != "Permit" {
		t.Fatalf("rename: %+v, %v", upd, err)
	}
	if _, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a"}); err == nil {
		t.Error("the old name still finds the policy")
	}
	got, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a2"})
	if err != nil || got.Definition.Static.Statement != `permit(principal, action, resource);` {
		t.Errorf("after a name-only update: %+v, %v", got, err)
	}
	// The freed name can be taken; renaming to one's own name is no conflict.
	if _, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: b.PolicyID, Name: ptr("name/a")}); err != nil {
		t.Errorf("taking a freed name: %v", err)
	}
	if _, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: b.PolicyID, Name: ptr("name/a")}); err != nil {
		t.Errorf("renaming to its own name: %v", err)
	}
	// "" removes the name.
	if _, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a", Name: ptr("")}); err != nil {
		t.Fatalf("removing the name: %v", err)
	}
	got, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: b.PolicyID})
	if err != nil || got.Name != nil {
		t.Errorf("after removing the name: %+v, %v", got, err)
	}
	// Delete by name.
	if _, err := pe.deletePolicy(deletePolicyInput{PolicyStoreID: pe.store, PolicyID: "name/a2"}); err != nil {
		t.Fatal(err)
	}
	_, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: a.PolicyID})
	wantNotFound(t, err, ResourceTypePolicy, a.PolicyID)
	if n := len(pe.policyStores[pe.store].policyNames); n != 0 {
		t.Errorf("%d names left, want 0", n)
	}
}

func TestCreatePolicyIdempotency(t *testing.T) {
	pe := newPolicyEngine(t)
	in := staticInput(pe.store, `permit(principal, action, resource);`)
	in.ClientToken = ptr("token-1")
	first, err := pe.createPolicy(in)
	if err != nil {
		t.Fatal(err)
	}
	pe.advance(time.Minute)
	in.ClientToken = ptr("token-1")
	again, err := pe.createPolicy(in)
	if err != nil || !cmp.Equal(again, first, cmp.AllowUnexported(writePolicyOutput{})) {
		t.Errorf("same token and input: %+v, %v; want %+v", again, err, first)
	}
	if n := len(pe.policyStores[pe.store].policies); n != 1 {
		t.Errorf("%d policies, want 1", n)
	}
	other := staticInput(pe.store, `forbid(principal, action, resource);`)
	other.ClientToken = ptr("token-1")
	_, err = pe.createPolicy(other)
	wantConflict(t, err, ResourceTypePolicy, first.PolicyID)
	// The token is forgotten with the policy.
	if _, err := pe.deletePolicy(deletePolicyInput{PolicyStoreID: pe.store, PolicyID: first.PolicyID}); err != nil {
		t.Fatal(err)
	}
	in.ClientToken = ptr("token-1")
	fresh, err := pe.createPolicy(in)
	if err != nil || fresh.PolicyID == first.PolicyID {
		t.Errorf("replay after deletion: %+v, %v; want a new policy", fresh, err)
	}
}

func TestTemplateLinkedPolicyNotFound(t *testing.T) {
	pe := newPolicyEngine(t)
	in := createPolicyInput{PolicyStoreID: pe.store, Definition: policyDefinition{TemplateLinked: &templateLinkedPolicyDefinition{
		PolicyTemplateID: "PTEXAMPLEabcdefg111111",
		Principal:        &entityIdentifier{EntityType: "MyCorp::User", EntityID: "alice"},
	}}}
	_, err := pe.createPolicy(in)
	wantNotFound(t, err, ResourceTypePolicyTemplate, "PTEXAMPLEabcdefg111111")
	in.PolicyStoreID = "PSnope"
	_, err = pe.createPolicy(in)
	wantNotFound(t, err, ResourceTypePolicyStore, "PSnope")
	// Neither member (the schema refuses it first): no panic.
	_, err = pe.createPolicy(createPolicyInput{PolicyStoreID: pe.store})
	wantValidation(t, err, "definition")
}

func TestDeletePolicyStoreDeletesPolicies(t *testing.T) {
	pe := newPolicyEngine(t)
	before := pe.liveBytes
	var ids []string
	for i := range 3 {
		in := staticInput(pe.store, fmt.Sprintf(`permit(principal == MyCorp::User::"%d", action, resource);`, i))
		in.ClientToken, in.Name = ptr(fmt.Sprintf("t%d", i)), ptr(fmt.Sprintf("name/p%d", i))
		out, err := pe.createPolicy(in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.PolicyID)
	}
	if _, err := pe.deletePolicyStore(deletePolicyStoreInput{PolicyStoreID: pe.store}); err != nil {
		t.Fatal(err)
	}
	if pe.liveBytes != before-storeBytes(&policyStore{id: pe.store, validationMode: modeOff, deletionProtection: protectionDisabled}) ||
		pe.policyBytes != 0 || len(pe.policyStoreOf) != 0 || pe.tokens.len() != 0 {
		t.Errorf("after deleting the store: liveBytes %d, policyBytes %d, %d policies indexed, %d tokens; want 0, 0, 0, 0",
			pe.liveBytes, pe.policyBytes, len(pe.policyStoreOf), pe.tokens.len())
	}
	for _, id := range ids {
		_, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: id})
		wantNotFound(t, err, ResourceTypePolicyStore, pe.store)
	}
}

func TestListPoliciesPagesAndFilters(t *testing.T) {
	pe := newPolicyEngine(t)
	alice := `MyCorp::User::"alice"`
	var all, aliceOnly, unspecified, group, doc []string
	for i := range 23 {
		var stmt string
		switch i % 3 {
		case 0:
			stmt = `permit(principal == ` + alice + `, action, resource);`
		case 1:
			stmt = `permit(principal is MyCorp::User, action, resource == MyCorp::Doc::"d");`
		default:
			stmt = `forbid(principal in MyCorp::UserGroup::"g", action, resource in MyCorp::Doc::"d");`
		}
		out := pe.mustCreate(t, stmt)
		all = append(all, out.PolicyID)
		switch i % 3 {
		case 0:
			aliceOnly = append(aliceOnly, out.PolicyID)
		case 1:
			unspecified = append(unspecified, out.PolicyID)
		default:
			group = append(group, out.PolicyID)
		}
		if i%3 != 0 {
			doc = append(doc, out.PolicyID)
		}
		if i%4 == 0 {
			pe.advance(time.Second) // some share a createdDate, some do not
		}
	}
	list := func(max *int64, f *policyFilter) (ids []string, sizes []int) {
		t.Helper()
		var tok *string
		for {
			out, err := pe.listPolicies(listPoliciesInput{PolicyStoreID: pe.store, MaxResults: max, NextToken: tok, Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range out.Policies {
				ids = append(ids, it.PolicyID)
				if it.Definition.Static == nil {
					t.Errorf("item %s has no static definition", it.PolicyID)
				}
			}
			sizes = append(sizes, len(out.Policies))
			if out.NextToken == nil {
				return ids, sizes
			}
			tok = out.NextToken
		}
	}
	sorted := sortedPolicies(pe.engine, pe.store)
	ids, sizes := list(nil, nil)
	if diff := cmp.Diff([]int{10, 10, 3}, sizes); diff != "" {
		t.Errorf("default page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sorted, ids); diff != "" {
		t.Errorf("all policies, in creation order (-want +got):\n%s", diff)
	}
	if _, sizes := list(ptr[int64](1000), nil); !cmp.Equal([]int{23}, sizes) {
		t.Errorf("maxResults 1000: page sizes %v, want [23] (read as 50)", sizes)
	}
	if _, sizes := list(ptr[int64](7), nil); !cmp.Equal([]int{7, 7, 7, 2}, sizes) {
		t.Errorf("maxResults 7: page sizes %v", sizes)
	}
	inOrder := func(want []string) []string {
		var out []string
		for _, id := range sorted {
			for _, w := range want {
				if w == id {
					out = append(out, id)
				}
			}
		}
		return out
	}
	userAlice := &entityIdentifier{EntityType: "MyCorp::User", EntityID: "alice"}
	for _, tc := range []struct {
		name   string
		filter *policyFilter
		want   []string
	}{
		{"principal identifier", &policyFilter{Principal: &entityReference{Identifier: userAlice}}, aliceOnly},
		{"principal unspecified", &policyFilter{Principal: &entityReference{Unspecified: ptr(true)}}, unspecified},
		{"principal specified", &policyFilter{Principal: &entityReference{Unspecified: ptr(false)}}, append(slices.Clone(aliceOnly), group...)},
		{"resource identifier", &policyFilter{Resource: &entityReference{Identifier: &entityIdentifier{EntityType: "MyCorp::Doc", EntityID: "d"}}}, doc},
		{"resource unspecified", &policyFilter{Resource: &entityReference{Unspecified: ptr(true)}}, aliceOnly},
		{"both", &policyFilter{Principal: &entityReference{Unspecified: ptr(true)}, Resource: &entityReference{Unspecified: ptr(false)}}, unspecified},
		{"policyType STATIC", &policyFilter{PolicyType: ptr("STATIC")}, all},
		{"policyType TEMPLATE_LINKED", &policyFilter{PolicyType: ptr("TEMPLATE_LINKED")}, nil},
		{"policyTemplateId", &policyFilter{PolicyTemplateID: ptr("PTEXAMPLEabcdefg111111")}, nil},
		{"no match", &policyFilter{Principal: &entityReference{Identifier: &entityIdentifier{EntityType: "MyCorp::User", EntityID: "bob"}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := list(ptr[int64](4), tc.filter)
			if diff := cmp.Diff(inOrder(tc.want), got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}

	// A nextToken of another store or list is refused.
	out, err := pe.listPolicies(listPoliciesInput{PolicyStoreID: pe.store, MaxResults: ptr[int64](1)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %+v, %v", out, err)
	}
	other, err := pe.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pe.listPolicies(listPoliciesInput{PolicyStoreID: other.PolicyStoreID, NextToken: out.NextToken})
	wantValidation(t, err, "nextToken")
	_, err = pe.listIdentitySources(listIdentitySourcesInput{PolicyStoreID: pe.store, NextToken: out.NextToken})
	wantValidation(t, err, "nextToken")
	_, err = pe.listPolicies(listPoliciesInput{PolicyStoreID: "PSnope"})
	wantNotFound(t, err, ResourceTypePolicyStore, "PSnope")
	empty, err := pe.listPolicies(listPoliciesInput{PolicyStoreID: other.PolicyStoreID})
	if err != nil || empty.Policies == nil || len(empty.Policies) != 0 || empty.NextToken != nil {
		t.Errorf("empty store: %+v, %v; want policies [] and no nextToken", empty, err)
	}
}

// sortedPolicies lists a store's policy ids by creation, then id.
func sortedPolicies(e *engine, store string) []string {
	ps := e.policyStores[store]
	var out []string
	for _, p := range policiesState(ps) {
		out = append(out, p.PolicyID)
	}
	return out
}

func TestPolicyBytesBound(t *testing.T) {
	pe := newPolicyEngine(t, func(o *options) { o.limits.stateBytes = 64 << 10 })
	stmt := func(i, n int) string {
		return fmt.Sprintf(`permit(principal == MyCorp::User::"%d", action, resource) when { context.s == "%s" };`, i, strings.Repeat("x", n))
	}
	var created []string
	var err error
	for i := 0; ; i++ {
		var out createPolicyOutput
		out, err = pe.createPolicy(staticInput(pe.store, stmt(i, 2000)))
		if err != nil {
			break
		}
		created = append(created, out.PolicyID)
		if i > 1000 {
			t.Fatal("no refusal after 1000 policies")
		}
	}
	var q *ServiceQuotaExceededException
	if !errors.As(err, &q) || q.QuotaCode != stateBytesQuotaCode || q.ResourceType != ResourceTypePolicy {
		t.Fatalf("CreatePolicy over the limit: %v, want a ServiceQuotaExceededException for POLICY", err)
	}
	if len(created) == 0 || pe.heldBytes() > pe.limits.stateBytes {
		t.Fatalf("%d policies created, %d bytes held of %d", len(created), pe.heldBytes(), pe.limits.stateBytes)
	}
	// An update that grows a policy past the limit is refused and changes
	// nothing; one that shrinks it passes, and frees room.
	_, err = pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: created[0],
		Definition: &updatePolicyDefinition{Static: &staticPolicyDefinition{Statement: stmt(0, 9000)}}})
	if !errors.As(err, &q) || q.ResourceID != created[0] {
		t.Errorf("growing update: %v, want a ServiceQuotaExceededException naming %s", err, created[0])
	}
	held := pe.heldBytes()
	if _, err := pe.updatePolicy(updatePolicyInput{PolicyStoreID: pe.store, PolicyID: created[0],
		Definition: &updatePolicyDefinition{Static: &staticPolicyDefinition{Statement: stmt(0, 10)}}}); err != nil {
		t.Fatalf("shrinking update: %v", err)
	}
	if pe.heldBytes() >= held {
		t.Errorf("a shrinking update freed nothing: %d bytes before, %d after", held, pe.heldBytes())
	}
	var sum int64
	for _, p := range pe.policyStores[pe.store].policies {
		sum += policyBytes(p)
	}
	if sum != pe.policyBytes || pe.liveBytes != sum+storeBytes(pe.policyStores[pe.store]) {
		t.Errorf("policyBytes %d, liveBytes %d; want %d, %d", pe.policyBytes, pe.liveBytes, sum, sum+storeBytes(pe.policyStores[pe.store]))
	}
	for _, id := range created {
		if _, err := pe.deletePolicy(deletePolicyInput{PolicyStoreID: pe.store, PolicyID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if pe.policyBytes != 0 {
		t.Errorf("policyBytes %d after deleting every policy, want 0", pe.policyBytes)
	}
}

// TestPolicyBytesEstimateBoundsHeap checks policyBytes is at least the heap
// that policies take, for the statements that cost cedar-go the most per
// byte and for plain ones.
func TestPolicyBytesEstimateBoundsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	for _, tc := range []struct {
		name string
		body func(n int) string
	}{
		{"attribute chain", func(n int) string { return "principal" + strings.Repeat(".a", n/2) + " == 1" }},
		{"sum", func(n int) string { return strings.Repeat("1+", n/2) + "1 == 1" }},
		{"negations", func(n int) string { return strings.Repeat("!", n) + "true" }},
		{"set", func(n int) string { return "[" + strings.Repeat("[],", n/3) + "[]].isEmpty()" }},
		{"string", func(n int) string { return `context.s == "` + strings.Repeat("x", n) + `"` }},
		{"pretty", func(n int) string {
			return strings.Repeat("principal.department == \"engineering\" &&\n    ", n/48) + "true"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pe := newPolicyEngine(t)
			const n = 30
			stmt := func(i int) string {
				s := fmt.Sprintf("permit(principal == MyCorp::User::\"%03d\", action, resource) when {\n    ", i)
				return s + tc.body(maxPolicyBytes-len(s)-20) + "\n};"
			}
			if l := len(stmt(0)); l > maxPolicyBytes || l < maxPolicyBytes-700 {
				t.Fatalf("statement of %d bytes", l)
			}
			// The statements are built before the heap is measured: a
			// request body holds them anyway.
			stmts := make([]string, n)
			for i := range stmts {
				stmts[i] = stmt(i)
			}
			before := heapInUse()
			for _, s := range stmts {
				if _, err := pe.createPolicy(staticInput(pe.store, s)); err != nil {
					t.Fatal(err)
				}
			}
			after := heapInUse()
			grew := int64(after) - int64(before)
			t.Logf("%d policies: heap grew %d KiB, estimated %d KiB", n, grew>>10, pe.policyBytes>>10)
			if grew > pe.policyBytes {
				t.Errorf("%d policies took %d bytes of heap, more than the %d estimated", n, grew, pe.policyBytes)
			}
			runtime.KeepAlive(stmts)
		})
	}
}

func collectIDs(set *cedar.PolicySet) []string {
	var ids []string
	for id := range set.All() {
		ids = append(ids, string(id))
	}
	return ids
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestPoliciesIgnorePropagationDelay checks policies are read in their
// latest state under a propagation delay, while the store's existence
// follows the delay, and that the history's copies of a store hold no
// policies.
func TestPoliciesIgnorePropagationDelay(t *testing.T) {
	pe := newPolicyEngine(t, func(o *options) { o.propagation = 5 * time.Second })
	// The store was created just now: not visible yet to a write.
	_, err := pe.createPolicy(staticInput(pe.store, `permit(principal, action, resource);`))
	wantNotFound(t, err, ResourceTypePolicyStore, pe.store)
	pe.advance(5 * time.Second)
	p := pe.mustCreate(t, `permit(principal, action, resource);`, "name/p")
	got, err := pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: p.PolicyID})
	if err != nil {
		t.Fatalf("GetPolicy right after CreatePolicy: %v", err)
	}
	if got.PolicyID != p.PolicyID {
		t.Errorf("GetPolicy %+v", got)
	}
	list, err := pe.listPolicies(listPoliciesInput{PolicyStoreID: pe.store})
	if err != nil || len(list.Policies) != 1 {
		t.Errorf("ListPolicies right after CreatePolicy: %+v, %v", list, err)
	}
	for _, v := range pe.hist.stores[pe.store] {
		if v.value != nil && (v.value.policies != nil || v.value.policyNames != nil) {
			t.Errorf("a history copy of the store holds policies: %+v", v.value)
		}
	}
	// A store update recorded after the policy exists copies none either.
	pe.recordStore(pe.clock(), pe.store, pe.policyStores[pe.store])
	for _, v := range pe.hist.stores[pe.store] {
		if v.value != nil && v.value.policies != nil {
			t.Error("a history copy recorded after CreatePolicy holds policies")
		}
	}
	// policySet finds the latest policies whichever copy it is given.
	copyOfStore, _ := pe.readStore(pe.store, pe.readTime())
	if set := pe.policySet(copyOfStore); set.Get(cedar.PolicyID(p.PolicyID)) == nil || len(collectIDs(set)) != 1 {
		t.Errorf("policySet of a history copy: %v, want the one policy", collectIDs(set))
	}
	// Heldbytes counts the policy beside the history.
	if pe.heldBytes() != pe.hist.bytes+pe.policyBytes || pe.policyBytes == 0 {
		t.Errorf("heldBytes %d, history %d, policies %d", pe.heldBytes(), pe.hist.bytes, pe.policyBytes)
	}
	// Deleted within the delay: the store is still found, with no policies.
	if _, err := pe.deletePolicyStore(deletePolicyStoreInput{PolicyStoreID: pe.store}); err != nil {
		t.Fatal(err)
	}
	_, err = pe.getPolicy(getPolicyInput{PolicyStoreID: pe.store, PolicyID: p.PolicyID})
	wantNotFound(t, err, ResourceTypePolicy, p.PolicyID)
	list, err = pe.listPolicies(listPoliciesInput{PolicyStoreID: pe.store})
	if err != nil || len(list.Policies) != 0 {
		t.Errorf("ListPolicies of a store deleted within the delay: %+v, %v; want none", list, err)
	}
	if set := pe.policySet(copyOfStore); len(collectIDs(set)) != 0 {
		t.Errorf("policySet of a deleted store: %v, want none", collectIDs(set))
	}
}

package fake

// Static policies: CreatePolicy, GetPolicy, ListPolicies, UpdatePolicy and
// DeletePolicy. A statement is parsed with cedar-go, and its scope gives the
// principal, resource, actions and effect members of the outputs.
//
// Evidence letters, as in the README: M model, D AWS documentation, O
// observed on AWS by a third party, I inference. LS-COV and LS-DOC are the
// LocalStack coverage data and documentation of the project's research
// notes for issue 11.
//
// Policies and the propagation delay: policy reads (GetPolicy,
// ListPolicies, and the policies IsAuthorizedWithToken evaluates) ignore
// WithPropagationDelay and see every policy in its latest state. Only the
// existence of the policy store follows the delay, as for identity sources:
// a policy store created within the delay is not found yet, and one
// deleted within it is still found, with no policies. The history of
// consistency.go keeps no policies.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cedar-policy/cedar-go"
)

// maxPolicyBytes is the documented quota on the size of one policy:
// 10,000 bytes [D quotas]. The 2025-09 Smithy model bounded
// PolicyStatement at 10000 [M-S]; the 2026 botocore model has no maximum
// [M-B], so the schema does not refuse a longer statement and the engine
// does, before parsing it, with a ValidationException as for a constraint
// of the model (the class is I: open question 15 of the research notes).
const maxPolicyBytes = 10000

// policyNamePrefix starts every policy name: "The name must be prefixed
// with name/" [D-model doc, M-B]. A policy id that starts with it names
// the policy by its name.
const policyNamePrefix = "name/"

// Member paths of the statement in CreatePolicy's and UpdatePolicy's input.
const statementPath = "definition.static.statement"

// policyTypeStatic is the only type of policy the fake holds: it serves no
// policy templates, so no template-linked policy can exist.
const policyTypeStatic = "STATIC"

// Input and output shapes, with the model's member names.
// entityIdentifier and actionIdentifier are those of authorize.go.

type staticPolicyDefinition struct {
	Description *string `json:"description,omitempty"`
	Statement   string  `json:"statement"`
}

type templateLinkedPolicyDefinition struct {
	PolicyTemplateID string            `json:"policyTemplateId"`
	Principal        *entityIdentifier `json:"principal,omitempty"`
	Resource         *entityIdentifier `json:"resource,omitempty"`
}

// policyDefinition is CreatePolicy's PolicyDefinition union, and
// GetPolicy's PolicyDefinitionDetail, which has the same members.
type policyDefinition struct {
	Static         *staticPolicyDefinition         `json:"static,omitempty"`
	TemplateLinked *templateLinkedPolicyDefinition `json:"templateLinked,omitempty"`
}

// updatePolicyDefinition is UpdatePolicy's UpdatePolicyDefinition union: a
// static definition only.
type updatePolicyDefinition struct {
	Static *staticPolicyDefinition `json:"static,omitempty"`
}

type staticPolicyDefinitionItem struct {
	Description *string `json:"description,omitempty"`
}

// policyDefinitionItem is ListPolicies' PolicyDefinitionItem: a static
// policy's description, without its statement.
type policyDefinitionItem struct {
	Static *staticPolicyDefinitionItem `json:"static,omitempty"`
}

type createPolicyInput struct {
	ClientToken   *string          `json:"clientToken,omitempty"`
	PolicyStoreID string           `json:"policyStoreId"`
	Definition    policyDefinition `json:"definition"`
	Name          *string          `json:"name,omitempty"`
}

// policyScopeMembers are the members every policy output has from the
// policy's scope: principal and resource when the scope names an entity,
// actions when it names actions, and the effect.
type policyScopeMembers struct {
	Principal *entityIdentifier `json:"principal,omitempty"`
	Resource  *entityIdentifier `json:"resource,omitempty"`
	// Actions is nil, and left out, for an unconstrained action; "action
	// in []" gives [].
	Actions []actionIdentifier `json:"actions,omitzero"`
	Effect  string             `json:"effect,omitempty"`
}

// writePolicyOutput is the output of CreatePolicy and UpdatePolicy, which
// have the same members: no definition and no name [M].
type writePolicyOutput struct {
	PolicyStoreID string `json:"policyStoreId"`
	PolicyID      string `json:"policyId"`
	PolicyType    string `json:"policyType"`
	policyScopeMembers
	CreatedDate     string `json:"createdDate"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

// createPolicyOutput is CreatePolicy's output.
type createPolicyOutput = writePolicyOutput

// updatePolicyOutput is UpdatePolicy's output.
type updatePolicyOutput = writePolicyOutput

// policyRef names a policy: GetPolicy's and DeletePolicy's input.
type policyRef struct {
	PolicyStoreID string `json:"policyStoreId"`
	PolicyID      string `json:"policyId"`
}

type getPolicyInput = policyRef

type deletePolicyInput = policyRef

// policyOutput is GetPolicy's output (D policyDefinition) and an item of
// ListPolicies' output (D policyDefinitionItem): the same members but for
// the definition.
type policyOutput[D any] struct {
	PolicyStoreID string `json:"policyStoreId"`
	PolicyID      string `json:"policyId"`
	PolicyType    string `json:"policyType"`
	policyScopeMembers
	Definition      D       `json:"definition"`
	CreatedDate     string  `json:"createdDate"`
	LastUpdatedDate string  `json:"lastUpdatedDate"`
	Name            *string `json:"name,omitempty"`
}

type getPolicyOutput = policyOutput[policyDefinition]

type updatePolicyInput struct {
	PolicyStoreID string                  `json:"policyStoreId"`
	PolicyID      string                  `json:"policyId"`
	Definition    *updatePolicyDefinition `json:"definition,omitempty"`
	Name          *string                 `json:"name,omitempty"`
}

// entityReference is the EntityReference union of a PolicyFilter.
type entityReference struct {
	Unspecified *bool             `json:"unspecified,omitempty"`
	Identifier  *entityIdentifier `json:"identifier,omitempty"`
}

type policyFilter struct {
	Principal        *entityReference `json:"principal,omitempty"`
	Resource         *entityReference `json:"resource,omitempty"`
	PolicyType       *string          `json:"policyType,omitempty"`
	PolicyTemplateID *string          `json:"policyTemplateId,omitempty"`
}

type listPoliciesInput struct {
	PolicyStoreID string        `json:"policyStoreId"`
	NextToken     *string       `json:"nextToken,omitempty"`
	MaxResults    *int64        `json:"maxResults,omitempty"`
	Filter        *policyFilter `json:"filter,omitempty"`
}

// policyItem is one policy of ListPolicies' output.
type policyItem = policyOutput[policyDefinitionItem]

type listPoliciesOutput struct {
	Policies  []policyItem `json:"policies"`
	NextToken *string      `json:"nextToken,omitempty"`
}

// policy is a static policy of a policy store. It is replaced, never
// changed in place, by an update.
type policy struct {
	id            string
	policyStoreID string
	name          string // "" when it has none; else it starts with name/
	statement     string
	description   *string
	parsed        *cedar.Policy
	scope         policyScope
	created       time.Time
	updated       time.Time
	token         tokenKey // as policyStore's
}

// policyScope is what a statement's scope gives: the output members, and
// the principal and resource scopes as Cedar's JSON format writes them,
// which an update may not change.
type policyScope struct {
	members             policyScopeMembers
	principal, resource cedarScopeJSON
}

// Cedar's JSON policy format (docs.cedarpolicy.com/policies/json-format.html),
// as far as the scope goes.
type cedarEntityJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type cedarScopeJSON struct {
	Op         string            `json:"op"` // "All", "==", "in", "is"
	Entity     *cedarEntityJSON  `json:"entity,omitempty"`
	Entities   []cedarEntityJSON `json:"entities,omitempty"` // action in [..]
	EntityType string            `json:"entity_type,omitempty"`
	In         *struct {
		Entity cedarEntityJSON `json:"entity"`
	} `json:"in,omitempty"`
}

type cedarPolicyJSON struct {
	Effect    string         `json:"effect"` // "permit" | "forbid"
	Principal cedarScopeJSON `json:"principal"`
	Action    cedarScopeJSON `json:"action"`
	Resource  cedarScopeJSON `json:"resource"`
}

// actionTypePattern is the model's ActionType pattern [M].
var actionTypePattern = regexp.MustCompile(`^Action$|^.+::Action$`)

// invalidPolicyMember is invalidMember (authorize.go) with the constraint
// clipped, as it may quote cedar-go's error about the statement. Invalid
// Cedar is a ValidationException with a fieldList [O LS-COV
// test_invalid_policy]; the wording is the fake's [I].
func invalidPolicyMember(path, constraint string) error {
	return invalidMember(path, clip(constraint, maxEchoedConstraint))
}

// parseStatement parses a static policy's statement: exactly one policy,
// no template slot, at most maxPolicyBytes bytes, and a scope whose
// entities the model's output shapes can carry. Anything else is a
// ValidationException naming path.
func parseStatement(statement, path string) (*cedar.Policy, policyScope, error) {
	if n := len(statement); n > maxPolicyBytes {
		return nil, policyScope{}, invalidPolicyMember(path,
			fmt.Sprintf("Member must have length less than or equal to %d bytes (it has %d)", maxPolicyBytes, n))
	}
	// Policy.UnmarshalCedar accepts trailing policies silently: count them.
	// A template slot (?principal) does not parse in a static policy.
	list, err := cedar.NewPolicyListFromBytes("", []byte(statement))
	if err != nil {
		if strings.Contains(statement, "?principal") || strings.Contains(statement, "?resource") {
			return nil, policyScope{}, invalidPolicyMember(path,
				"Member must be a valid Cedar policy, static, without template slots (?principal, ?resource): "+err.Error())
		}
		return nil, policyScope{}, invalidPolicyMember(path, "Member must be a valid Cedar policy: "+err.Error())
	}
	if len(list) != 1 {
		return nil, policyScope{}, invalidPolicyMember(path,
			fmt.Sprintf("Member must hold exactly one Cedar policy (it holds %d)", len(list)))
	}
	scope, err := scopeOf(list[0])
	if err != nil {
		return nil, policyScope{}, invalidPolicyMember(path, err.Error())
	}
	return list[0], scope, nil
}

// scopeOf reads a policy's scope from its JSON form (Policy.MarshalJSON),
// without its conditions and annotations, whose nesting the JSON encoder
// bounds. The output members follow the research notes' table [D for ==
// and in, and for members absent when unconstrained; I for is, is … in and
// an unconstrained action]:
//
//	principal == E, principal in E, principal is T in E → principal E
//	principal, principal is T                            → no principal
//	action == A, action in A → actions [A]; action in [A, B] → actions [A, B]
//	action                                               → no actions
//	resource: as principal; effect Permit or Forbid.
func scopeOf(p *cedar.Policy) (policyScope, error) {
	bare := *p.AST()
	bare.Annotations, bare.Conditions = nil, nil
	b, err := bare.MarshalJSON()
	if err != nil {
		return policyScope{}, fmt.Errorf("Member must be a Cedar policy whose scope can be encoded: %w", err)
	}
	var pj cedarPolicyJSON
	if err := json.Unmarshal(b, &pj); err != nil {
		return policyScope{}, fmt.Errorf("Member must be a Cedar policy whose scope can be decoded: %w", err)
	}
	s := policyScope{principal: pj.Principal, resource: pj.Resource}
	switch pj.Effect {
	case "permit":
		s.members.Effect = "Permit"
	case "forbid":
		s.members.Effect = "Forbid"
	default:
		return policyScope{}, fmt.Errorf("Member must be a Cedar policy with effect permit or forbid, not %q", pj.Effect)
	}
	if s.members.Principal, err = scopeEntity(pj.Principal, "principal"); err != nil {
		return policyScope{}, err
	}
	if s.members.Resource, err = scopeEntity(pj.Resource, "resource"); err != nil {
		return policyScope{}, err
	}
	var actions []cedarEntityJSON
	switch {
	case pj.Action.Entity != nil:
		actions = []cedarEntityJSON{*pj.Action.Entity}
	case pj.Action.Op == "in":
		actions = pj.Action.Entities
	}
	if actions != nil || pj.Action.Op == "in" {
		s.members.Actions = make([]actionIdentifier, 0, len(actions))
	}
	for _, a := range actions {
		// The Cedar language wants action entities of type Action or
		// …::Action; cedar-go's parser does not check it, AWS's Rust Cedar
		// does [I], and the model's ActionType pattern requires it [M].
		if !actionTypePattern.MatchString(a.Type) {
			return policyScope{}, fmt.Errorf("Member must be a Cedar policy whose action scope names entities of type Action or …::Action, not %s", a.Type)
		}
		if err := fits("action type", a.Type, 200); err != nil {
			return policyScope{}, err
		}
		if err := fits("action id", a.ID, 512); err != nil {
			return policyScope{}, err
		}
		s.members.Actions = append(s.members.Actions, actionIdentifier{ActionType: a.Type, ActionID: a.ID})
	}
	return s, nil
}

// scopeEntity is the entity a principal or resource scope names, or nil.
func scopeEntity(sc cedarScopeJSON, what string) (*entityIdentifier, error) {
	var e *cedarEntityJSON
	switch {
	case sc.Entity != nil:
		e = sc.Entity
	case sc.In != nil:
		e = &sc.In.Entity
	default:
		return nil, nil
	}
	// An entity the model's EntityIdentifier cannot carry (an empty id, a
	// line break, more than 612 characters) could be named by no request
	// either: the fake refuses it rather than answer outside the model [I].
	if err := fits(what+" entity type", e.Type, 200); err != nil {
		return nil, err
	}
	if err := fits(what+" entity id", e.ID, 612); err != nil {
		return nil, err
	}
	return &entityIdentifier{EntityType: e.Type, EntityID: e.ID}, nil
}

// fits checks a string of the scope against the model's ^.*$ pattern and
// length bounds (1..max characters) for the member it becomes.
func fits(what, s string, max int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n < 1 || n > max:
		return fmt.Errorf("Member must be a Cedar policy whose %s has 1 to %d characters (it has %d)", what, max, n)
	case strings.ContainsRune(s, '\n'):
		return fmt.Errorf("Member must be a Cedar policy whose %s has no line break", what)
	}
	return nil
}

// checkPolicyName checks a name given to a policy: it must start with
// name/ [D-model doc]; a ValidationException otherwise [I]. That something
// must follow the prefix is [I].
func checkPolicyName(name string) error {
	if !strings.HasPrefix(name, policyNamePrefix) || len(name) == len(policyNamePrefix) {
		return invalidPolicyMember("name", "Member must start with "+policyNamePrefix+" followed by the name")
	}
	return nil
}

// notFoundPolicy is the error of a policy, named by its id or its name,
// that policy store policyStoreID does not hold.
func notFoundPolicy(policyStoreID, id string) error {
	return notFoundInStore("policy", ResourceTypePolicy, policyStoreID, id)
}

// notFoundInStore is the ResourceNotFoundException of a resource, what of
// type rt, that policy store policyStoreID does not hold.
func notFoundInStore(what string, rt ResourceType, policyStoreID, id string) error {
	return &ResourceNotFoundException{
		Message:      fmt.Sprintf("%s %s not found in policy store %s", what, id, policyStoreID),
		ResourceID:   id,
		ResourceType: rt,
	}
}

// nameTaken is the ConflictException of a name another policy of the
// store has [D-model doc].
func nameTaken(name, holder string) error {
	return &ConflictException{
		Message:   fmt.Sprintf("policy %s already has the name %s in this policy store", holder, name),
		Resources: []ResourceConflict{{ResourceID: holder, ResourceType: ResourceTypePolicy}},
	}
}

// findPolicy finds a policy of ps by its id, or by its name for a ref that
// starts with name/ [D-model doc]; nil when there is none.
func (ps *policyStore) findPolicy(ref string) *policy {
	if ps == nil {
		return nil
	}
	if strings.HasPrefix(ref, policyNamePrefix) {
		if id, ok := ps.policyNames[ref]; ok {
			return ps.policies[id]
		}
		return nil
	}
	return ps.policies[ref]
}

// addPolicy puts p in ps and in the engine's indexes, and counts its
// bytes. The caller holds e.mu.
func (e *engine) addPolicy(ps *policyStore, p *policy) {
	ps.putPolicy(p)
	e.indexPolicy(ps.id, p)
}

// putPolicy puts p in ps, under its id and its name.
func (ps *policyStore) putPolicy(p *policy) {
	if ps.policies == nil {
		ps.policies = map[string]*policy{}
		ps.policyNames = map[string]string{}
	}
	ps.policies[p.id] = p
	if p.name != "" {
		ps.policyNames[p.name] = p.id
	}
}

// indexPolicy puts p, a policy of policy store policyStoreID, in the
// engine's indexes and counts its bytes. The caller holds e.mu.
func (e *engine) indexPolicy(policyStoreID string, p *policy) {
	e.policyStoreOf[p.id] = policyStoreID
	size := policyBytes(p)
	e.liveBytes += size
	e.policyBytes += size
}

// removePolicy takes p out of ps and the engine's indexes, and forgets its
// bytes. The caller holds e.mu.
func (e *engine) removePolicy(ps *policyStore, p *policy) {
	delete(ps.policies, p.id)
	if p.name != "" && ps.policyNames[p.name] == p.id {
		delete(ps.policyNames, p.name)
	}
	delete(e.policyStoreOf, p.id)
	size := policyBytes(p)
	e.liveBytes -= size
	e.policyBytes -= size
}

// checkPolicyBytes answers a ServiceQuotaExceededException when a write
// that replaces a policy of freed bytes by one of adding bytes would take
// the state over WithMaxStateBytes. Policies are not kept in the history,
// so what a write replaces is freed at once.
func (e *engine) checkPolicyBytes(adding, freed int64, id string) error {
	if adding <= freed {
		return nil
	}
	held := e.heldBytes()
	if held+adding-freed > e.limits.stateBytes {
		return stateBytesExceeded(held, adding, e.limits.stateBytes, ResourceTypePolicy, id)
	}
	return nil
}

// policyStoreForRead finds a policy store for a policy read: it must exist
// as reads see policy stores (under a propagation delay, as it was delay
// ago); its policies are the latest, none when the store has been deleted
// since. The result is nil in that last case.
func (e *engine) policyStoreForRead(id string) (*policyStore, error) {
	if e.hist != nil {
		if _, ok := e.readStore(id, e.readTime()); !ok {
			return nil, notFoundPolicyStore(id)
		}
		return e.policyStores[id], nil
	}
	ps, ok := e.policyStores[id]
	if !ok {
		return nil, notFoundPolicyStore(id)
	}
	return ps, nil
}

func (e *engine) createPolicy(in createPolicyInput) (createPolicyOutput, error) {
	var (
		parsed *cedar.Policy
		scope  policyScope
	)
	// Checks of the input alone come first, as the schema's do; parsing
	// happens outside the lock.
	switch s := in.Definition.Static; {
	case s != nil:
		var err error
		if parsed, scope, err = parseStatement(s.Statement, statementPath); err != nil {
			return createPolicyOutput{}, err
		}
	case in.Definition.TemplateLinked == nil:
		// The input schema's oneOf refuses it first.
		return createPolicyOutput{}, invalidPolicyMember("definition", "Member must have exactly one union member set")
	}
	if in.Name != nil {
		if err := checkPolicyName(*in.Name); err != nil {
			return createPolicyOutput{}, err
		}
	}
	// Idempotent exactly as CreateIdentitySource [M: same traits and
	// documentation].
	return createOnce(e, "CreatePolicy", ResourceTypePolicy, &in.ClientToken, &in,
		func(now time.Time, token tokenKey) (createPolicyOutput, string, error) {
			return e.newPolicy(in, parsed, scope, now, token)
		},
		func(id string) (createPolicyOutput, bool) {
			ps, ok := e.policyStores[e.policyStoreOf[id]]
			if !ok {
				return createPolicyOutput{}, false
			}
			p, ok := ps.policies[id]
			if !ok {
				return createPolicyOutput{}, false
			}
			// Its scope now (an update may have changed the actions [I]),
			// both dates its creation's.
			out := p.writeOutput()
			out.LastUpdatedDate = out.CreatedDate
			return out, true
		})
}

// newPolicy is CreatePolicy's work, under the lock.
func (e *engine) newPolicy(in createPolicyInput, parsed *cedar.Policy, scope policyScope, now time.Time, token tokenKey) (createPolicyOutput, string, error) {
	ps, err := e.writeStore(in.PolicyStoreID)
	if err != nil {
		return createPolicyOutput{}, "", err
	}
	if tl := in.Definition.TemplateLinked; tl != nil {
		// The fake serves no policy templates, so none exists [I].
		return createPolicyOutput{}, "", notFoundInStore("policy template", ResourceTypePolicyTemplate, ps.id, tl.PolicyTemplateID)
	}
	s := in.Definition.Static
	p := &policy{
		id:            e.newID(),
		policyStoreID: ps.id,
		statement:     s.Statement,
		description:   cloneString(s.Description),
		parsed:        parsed,
		scope:         scope,
		created:       now,
		updated:       now,
		token:         token,
	}
	if in.Name != nil {
		if holder, taken := ps.policyNames[*in.Name]; taken {
			return createPolicyOutput{}, "", nameTaken(*in.Name, holder)
		}
		p.name = *in.Name
	}
	if err := e.checkPolicyBytes(policyBytes(p), 0, ""); err != nil {
		return createPolicyOutput{}, "", err
	}
	e.addPolicy(ps, p)
	return p.writeOutput(), p.id, nil
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// writeOutput is CreatePolicy's and UpdatePolicy's output for p.
func (p *policy) writeOutput() writePolicyOutput {
	return writePolicyOutput{
		PolicyStoreID:      p.policyStoreID,
		PolicyID:           p.id,
		PolicyType:         policyTypeStatic,
		policyScopeMembers: p.scope.output(),
		CreatedDate:        timestamp(p.created),
		LastUpdatedDate:    timestamp(p.updated),
	}
}

// output returns the scope members, sharing nothing with the policy.
func (s policyScope) output() policyScopeMembers {
	m := s.members
	if m.Principal != nil {
		c := *m.Principal
		m.Principal = &c
	}
	if m.Resource != nil {
		c := *m.Resource
		m.Resource = &c
	}
	if m.Actions != nil {
		m.Actions = slices.Clone(m.Actions)
	}
	return m
}

func (e *engine) getPolicy(in getPolicyInput) (getPolicyOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	ps, err := e.policyStoreForRead(in.PolicyStoreID)
	if err != nil {
		return getPolicyOutput{}, err
	}
	p := ps.findPolicy(in.PolicyID)
	if p == nil {
		// [O LS-COV test_static_policy_lifecycle: 404]; resourceType POLICY [I].
		return getPolicyOutput{}, notFoundPolicy(in.PolicyStoreID, in.PolicyID)
	}
	return newPolicyOutput(p, policyDefinition{Static: &staticPolicyDefinition{
		Description: cloneString(p.description),
		Statement:   p.statement,
	}}), nil
}

func (e *engine) updatePolicy(in updatePolicyInput) (updatePolicyOutput, error) {
	var (
		parsed *cedar.Policy
		scope  policyScope
		def    *staticPolicyDefinition
	)
	if in.Definition != nil && in.Definition.Static != nil {
		def = in.Definition.Static
		var err error
		if parsed, scope, err = parseStatement(def.Statement, statementPath); err != nil {
			return updatePolicyOutput{}, err
		}
	}
	if in.Name != nil && *in.Name != "" { // "" removes the name [D-model doc]
		if err := checkPolicyName(*in.Name); err != nil {
			return updatePolicyOutput{}, err
		}
	}
	return write(e, func() (updatePolicyOutput, bool, error) {
		ps, err := e.writeStore(in.PolicyStoreID)
		if err != nil {
			return updatePolicyOutput{}, false, err
		}
		p := ps.findPolicy(in.PolicyID)
		if p == nil {
			return updatePolicyOutput{}, false, notFoundPolicy(ps.id, in.PolicyID)
		}
		next := *p
		if def != nil {
			// "You can't change … the effect … the principal … the
			// resource" [D]; the error is a ValidationException [I].
			switch {
			case scope.members.Effect != p.scope.members.Effect:
				return updatePolicyOutput{}, false, invalidPolicyMember(statementPath,
					fmt.Sprintf("Member must keep the policy's effect, %s (it has %s)", p.scope.members.Effect, scope.members.Effect))
			case !reflect.DeepEqual(scope.principal, p.scope.principal):
				return updatePolicyOutput{}, false, invalidPolicyMember(statementPath, "Member must keep the policy's principal scope")
			case !reflect.DeepEqual(scope.resource, p.scope.resource):
				return updatePolicyOutput{}, false, invalidPolicyMember(statementPath, "Member must keep the policy's resource scope")
			}
			// The definition is replaced as a whole: a description left
			// out is removed [I, as UpdateIdentitySource replaces its
			// configuration].
			next.statement, next.description, next.parsed, next.scope = def.Statement, cloneString(def.Description), parsed, scope
		}
		if in.Name != nil && *in.Name != p.name {
			if holder, taken := ps.policyNames[*in.Name]; taken && *in.Name != "" {
				return updatePolicyOutput{}, false, nameTaken(*in.Name, holder)
			}
			next.name = *in.Name
		}
		oldSize, newSize := policyBytes(p), policyBytes(&next)
		if err := e.checkPolicyBytes(newSize, oldSize, p.id); err != nil {
			return updatePolicyOutput{}, false, err
		}
		next.updated = after(p.updated, e.clock())
		e.removePolicy(ps, p)
		e.addPolicy(ps, &next)
		return next.writeOutput(), true, nil
	})
}

func (e *engine) deletePolicy(in deletePolicyInput) (emptyOutput, error) {
	return write(e, func() (emptyOutput, bool, error) {
		ps, err := e.writeStore(in.PolicyStoreID)
		if err != nil {
			// A missing store: 404 [I, open question 13; LS-COV records an
			// AWS-validated 404 on DeletePolicy, O ambiguous].
			return emptyOutput{}, false, err
		}
		p := ps.findPolicy(in.PolicyID)
		if p == nil {
			// "the request response returns a successful HTTP 200 status
			// code" for a missing policy [D].
			return emptyOutput{}, false, nil
		}
		e.removePolicy(ps, p)
		e.tokens.forget(p.token, p.id)
		return emptyOutput{}, true, nil
	})
}

func (e *engine) listPolicies(in listPoliciesInput) (listPoliciesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	ps, err := e.policyStoreForRead(in.PolicyStoreID)
	if err != nil {
		return listPoliciesOutput{}, err
	}
	// "defaults to 10 policies per response. You can specify a maximum of
	// 50" [D]; more is read as 50, as for ListIdentitySources.
	limit := defaultMaxResults
	if in.MaxResults != nil {
		limit = int(min(*in.MaxResults, maxMaxResults))
	}
	var matching []*policy
	if ps != nil {
		for _, p := range ps.policies {
			if in.Filter.matches(p) {
				matching = append(matching, p)
			}
		}
	}
	page, next, err := onePage(matching, (*policy).position, in.NextToken, limit, policiesTokenVersion, in.PolicyStoreID, "ListPolicies")
	if err != nil {
		return listPoliciesOutput{}, err
	}
	out := listPoliciesOutput{Policies: make([]policyItem, 0, len(page)), NextToken: next}
	for _, p := range page {
		out.Policies = append(out.Policies, p.item())
	}
	return out, nil
}

// onePage sorts items by creation and cuts one page of a List operation
// out of them: at most limit items, from the first one after the position
// nextToken gives (the last item of the page before, so that a deletion
// between pages neither repeats nor skips an item), or from the first when
// nextToken is nil. It returns them with the nextToken of the page after,
// nil on the last page. version and op are the List operation's, whose
// tokens name the policy store policyStoreID.
func onePage[T any](items []T, position func(T) pagePosition, nextToken *string, limit int, version, policyStoreID, op string) ([]T, *string, error) {
	sortByCreation(items, position)
	start := 0
	if nextToken != nil {
		after, err := decodeNextToken(*nextToken, version, policyStoreID, op)
		if err != nil {
			return nil, nil, err
		}
		start = len(items)
		if i := slices.IndexFunc(items, func(x T) bool { return position(x).compare(after) > 0 }); i >= 0 {
			start = i
		}
	}
	end := min(start+limit, len(items))
	if end == len(items) {
		return items[start:end], nil, nil
	}
	last := position(items[end-1])
	tok := encodeNextToken(version, policyStoreID, last.created, last.id)
	return items[start:end], &tok, nil
}

// position is p's place in creation order.
func (p *policy) position() pagePosition { return pagePosition{created: p.created, id: p.id} }

// position is ps's place in creation order.
func (ps *policyStore) position() pagePosition {
	return pagePosition{created: ps.created.time(), id: ps.id}
}

// compare orders positions by creation time, then by id: the order of a
// State's items and of the List operations' pages.
func (a pagePosition) compare(b pagePosition) int {
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// sortByCreation sorts items by their positions, which are distinct.
func sortByCreation[T any](items []T, position func(T) pagePosition) {
	slices.SortFunc(items, func(a, b T) int { return position(a).compare(position(b)) })
}

// item renders p as a ListPolicies item: its definition without the
// statement [M: StaticPolicyDefinitionItem].
func (p *policy) item() policyItem {
	return newPolicyOutput(p, policyDefinitionItem{Static: &staticPolicyDefinitionItem{Description: cloneString(p.description)}})
}

// newPolicyOutput renders p, with def as its definition, sharing nothing
// with it.
func newPolicyOutput[D any](p *policy, def D) policyOutput[D] {
	return policyOutput[D]{
		PolicyStoreID:      p.policyStoreID,
		PolicyID:           p.id,
		PolicyType:         policyTypeStatic,
		policyScopeMembers: p.scope.output(),
		Definition:         def,
		CreatedDate:        timestamp(p.created),
		LastUpdatedDate:    timestamp(p.updated),
		Name:               p.optionalName(),
	}
}

// optionalName is a copy of p's name, or nil when it has none.
func (p *policy) optionalName() *string {
	if p.name == "" {
		return nil
	}
	name := p.name
	return &name
}

// matches reports whether p passes the filter; every member given must
// match. principal and resource compare with the output member: an
// identifier matches the entity the scope names (==, in, is … in), and
// unspecified true a policy whose output has no such member (an
// unconstrained scope, or is T), unspecified false one whose output has
// it [I, open question 17]. policyType STATIC matches every policy, and a
// policyTemplateId none, as the fake holds no template-linked policy.
func (f *policyFilter) matches(p *policy) bool {
	if f == nil {
		return true
	}
	if f.PolicyType != nil && *f.PolicyType != policyTypeStatic {
		return false
	}
	if f.PolicyTemplateID != nil {
		return false
	}
	return f.Principal.matches(p.scope.members.Principal) && f.Resource.matches(p.scope.members.Resource)
}

func (r *entityReference) matches(e *entityIdentifier) bool {
	switch {
	case r == nil:
		return true
	case r.Identifier != nil:
		return e != nil && *e == *r.Identifier
	case r.Unspecified != nil:
		return (e == nil) == *r.Unspecified
	}
	return true
}

// policySet returns the static policies of ps, by policy id, for
// authorization: those of the policy store with ps's id in the latest
// state, whichever version of the store ps is (none when it has been
// deleted). The caller holds e.mu. The policies are parsed once, when
// created or updated, and shared: cedar-go does not change a policy it
// evaluates.
func (e *engine) policySet(ps *policyStore) *cedar.PolicySet {
	set := cedar.NewPolicySet()
	live, ok := e.policyStores[ps.id]
	if !ok {
		return set
	}
	for id, p := range live.policies {
		set.Add(cedar.PolicyID(id), p.parsed)
	}
	return set
}

package schemas_test

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The constraint rows of the policy operations' inputs (CreatePolicy,
// GetPolicy, ListPolicies, UpdatePolicy, DeletePolicy) and of the two
// authorization operations' (IsAuthorizedWithToken,
// BatchIsAuthorizedWithToken), added to constraintCases.

var (
	policyIDSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle(values.PolicyID, n) },
		good: []string{"name/example_policy", "SPEXAMPLEabcdefg111111", values.PolicyID},
		bad:  []string{"9wYx Mpljbb", "9wYx.Mpljbb", "name:example_policy", "9wYxMpljbb\n", "nämé/policy"}}
	policyTemplateIDSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle("PTEXAMPLEabcdefg111111", n) },
		good: []string{"PTEXAMPLEabcdefg111111", "name/example_template"},
		bad:  []string{"PTEXAMPLE abcdefg", "PTEXAMPLE.abcdefg", "PT:EXAMPLE"}}
	policyNameSpec = strSpec{max: 150, mk: func(n int) string { return withPrefix("name/", "example_policy-", n) },
		good: []string{"name/example_policy", "name/a-b_c/d", ""},
		bad:  []string{"name/example policy", "name.example", "name/pölicy", "name/x\n"}}
	statementSpec = strSpec{min: 1, mk: func(n int) string {
		return cycle(`permit (principal, action == MyCorp::Action::"ViewPhoto", resource in MyCorp::Album::"vacationFolder");`, n)
	}}
	policyDescriptionSpec = strSpec{max: 150, mk: func(n int) string { return cycle("Grant members of MyExampleGroup access – ünïcode ", n) }}
	entityTypeSpec        = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle("MyCorp::Phötö", n) },
		good: []string{"MyCorp::Photo", "Photo", "AWS::CognitoGroup"},
		bad:  []string{"MyCorp::Photo\n", "My\nCorp::Photo"}}
	entityIDSpec = strSpec{min: 1, max: 612, mk: func(n int) string { return cycle("us-east-1_1a2b3c4d5|ä1b2c3d4", n) },
		good: []string{"VacationPhoto94.jpg", "us-east-1_1a2b3c4d5|a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", " "},
		bad:  []string{"Vacation\nPhoto94.jpg", "\n"}}
	actionTypeSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle("MyCörp_", n-len("::Action")) + "::Action" },
		emptyAlso: []string{"pattern"},
		good:      []string{"Action", "MyCorp::Action", "MyCorp::Photos::Action"},
		bad:       []string{"MyAction", "MyCorp::ActionX", "::Action", "MyCorp::action", "MyCorp::Action\n", "Action "}}
	actionIDSpec = strSpec{min: 1, max: 512, mk: func(n int) string { return cycle("ViewPhötö", n) },
		good: []string{"ViewPhoto", "view photo"},
		bad:  []string{"View\nPhoto"}}
	tokenSpec = strSpec{min: 1, max: 131072,
		mk: func(n int) string {
			return withPrefix("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.", "c2lnbmF0dXJl-_=", n)
		},
		emptyAlso: []string{"pattern"},
		// The model's '.' is unescaped: any character separates the
		// segments, but there must be exactly three runs of base64url.
		good: []string{values.IdentityToken, values.AccessToken, "a.b.c", "eyJ==.eyJ=.c2ln=="},
		bad: []string{"abc", "a.b", "a.b.c.d.e", "a..c", values.IdentityToken + "\n",
			"Bearer " + values.AccessToken, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ."}}
	ipaddrSpec = strSpec{min: 1, max: 44, mk: func(n int) string { return cycle("2001:db8::/32", n) },
		good: []string{"192.0.2.0/24", "::1", "10.0.0.1"},
		bad:  []string{"192.0.2.0 /24", "localhost", "fe80::1%eth0", "10.0.0.0/8\n"}}
	durationSpec = strSpec{max: 100, mk: func(n int) string { return cycle("9", n-1) + "d" },
		good: []string{"1h30m", "-2d", "1d2h3m4s5ms", "500ms"},
		bad:  []string{"1h30", "30m1h", "1.5h", "1H", "P1D", "1d 2h"}}
)

// decimalRows adds the rows of a Decimal at path. Its pattern admits 3 to
// 21 characters, so a value outside the bounds 3 and 23 breaks the pattern
// too.
func (tb *table) decimalRows(a at, path string) {
	tb.add(a, constraintCase{bad: []mutation{set(path, 4.5)}, kw: "type"})
	tb.add(a, constraintCase{good: []mutation{set(path, "1.5")}, bad: []mutation{set(path, "15")}, kw: "minLength", implied: []string{"pattern"}})
	tb.add(a, constraintCase{good: []mutation{set(path, "-123456789012345.1234")}, bad: []mutation{set(path, "-123456789012345.1234567")}, kw: "maxLength", implied: []string{"pattern"}})
	good := []string{"0.1250", "-1.0", "123456789012345.9999"}
	for i, bad := range []string{"100", "1.23456", "1234567890123456.1", ".500", "1.5e3", "+1.50", "1,50"} {
		tb.add(a, constraintCase{good: []mutation{set(path, good[i%len(good)])}, bad: []mutation{set(path, bad)}, kw: "pattern"})
	}
}

// datetimeRows adds the rows of a DatetimeAttribute at path. Its pattern
// admits 10 to 28 characters, the model's bounds, so a value outside them
// breaks the pattern too.
func (tb *table) datetimeRows(a at, path string) {
	tb.add(a, constraintCase{bad: []mutation{set(path, json.Number("1728988500"))}, kw: "type"})
	tb.add(a, constraintCase{good: []mutation{set(path, "2024-10-15")}, bad: []mutation{set(path, "2024-10-1")}, kw: "minLength", implied: []string{"pattern"}})
	tb.add(a, constraintCase{good: []mutation{set(path, "2024-10-15T11:35:00.000+0100")}, bad: []mutation{set(path, "2024-10-15T11:35:00.0000+0100")}, kw: "maxLength", implied: []string{"pattern"}})
	good := []string{"2024-10-15", "2024-10-15T11:35:00Z", "2024-10-15T11:35:00.000+0100", "2024-10-15T11:35:00-0500"}
	for i, bad := range []string{"2024-10-15T11:35", "2024/10/15", "2024-10-15T11:35:00+01:00", "2024-10-15 11:35:00Z", "2024-10-15T11:35:00.0Z", "15-10-2024"} {
		tb.add(a, constraintCase{good: []mutation{set(path, good[i%len(good)])}, bad: []mutation{set(path, bad)}, kw: "pattern"})
	}
}

// durationRows adds the rows of a Duration at path: "-" matches the
// pattern and is one character, so the minimum of 2 is broken alone.
func (tb *table) durationRows(a at, path string) {
	tb.add(a, constraintCase{good: []mutation{set(path, "1h")}, bad: []mutation{set(path, "-")}, kw: "minLength"})
	tb.str(a, path, durationSpec)
}

// entity adds the rows of an EntityIdentifier at path.
func (tb *table) entity(a at, path string) {
	tb.object(a, path, []string{"entityType", "entityId"}, "type") // Cedar JSON's name for entityType
	tb.str(a, path+".entityType", entityTypeSpec)
	tb.str(a, path+".entityId", entityIDSpec)
}

// action adds the rows of an ActionIdentifier at path.
func (tb *table) action(a at, path string) {
	tb.object(a, path, []string{"actionType", "actionId"}, "id")
	tb.str(a, path+".actionType", actionTypeSpec)
	tb.str(a, path+".actionId", actionIDSpec)
}

// mapValue runs build, which adds rows about one value of a map whose
// member names are data, and keys those rows as the schema walk does: the
// member name concrete becomes tmpl (the map's path and ".*").
func (tb *table) mapValue(concrete, tmpl string, build func()) {
	start := len(tb.rows)
	build()
	prefix := template(concrete)
	for i := start; i < len(tb.rows); i++ {
		k := tb.rows[i].coverageKey()
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || rest == "" || !strings.ContainsAny(rest[:1], ".:[") {
			tb.t.Fatalf("row %s is not about the map value %s", tb.rows[i].name(), concrete)
		}
		tb.rows[i].key = template(tmpl) + rest
	}
}

// attributeKinds names, for each member of the AttributeValue union, the
// map member of a base document whose value sets it.
type attributeKinds map[string]string

// attributeMap adds the rows of a map of AttributeValue (ContextMap,
// EntityAttributes, EntityCedarTags, whose CedarTagValue has the same
// members) at path, whose members in a's base set every member of the
// union as kinds says. The walk does not follow set and record into
// AttributeValue again (see walker); TestRecursiveAttributeValue covers
// the depths.
func (tb *table) attributeMap(a at, path string, kinds attributeKinds) {
	tb.add(a, constraintCase{bad: []mutation{set(path, []any{"not", "a", "map"})}, kw: "type"})
	tmpl := path + ".*"
	for _, kind := range []string{"boolean", "entityIdentifier", "long", "string", "set", "record", "ipaddr", "decimal", "datetime", "duration"} {
		name, ok := kinds[kind]
		if !ok {
			tb.t.Fatalf("attributeMap %s: no member sets %s", path, kind)
		}
		v := path + "." + name
		tb.mapValue(v, tmpl, func() {
			m := v + "." + kind
			switch kind {
			case "boolean":
				// The union itself, on the boolean member.
				tb.object(a, v, nil, "__entity") // Cedar JSON's entity escape
				tb.unionNone(a, v, "boolean")
				tb.unionBoth(a, v, "long", 1)
				tb.add(a, constraintCase{good: []mutation{set(m, false)}, bad: []mutation{set(m, "true")}, kw: "type"})
			case "entityIdentifier":
				tb.entity(a, m)
			case "long":
				tb.add(a, constraintCase{good: []mutation{set(m, -7)}, bad: []mutation{set(m, "42")}, kw: "type"})
				tb.add(a, constraintCase{good: []mutation{set(m, json.Number("2.0"))}, bad: []mutation{set(m, json.Number("2.5"))}, kw: "type"})
				tb.add(a, constraintCase{good: []mutation{set(m, json.Number("9223372036854775807"))}, bad: []mutation{set(m, json.Number("9223372036854775808"))}, kw: "format"})
			case "string":
				tb.add(a, constraintCase{good: []mutation{set(m, "")}, bad: []mutation{set(m, 42)}, kw: "type"})
			case "set":
				tb.add(a, constraintCase{good: []mutation{set(m, []any{})}, bad: []mutation{set(m, map[string]any{"string": "x"})}, kw: "type"})
			case "record":
				tb.add(a, constraintCase{good: []mutation{set(m, map[string]any{})}, bad: []mutation{set(m, []any{})}, kw: "type"})
			case "ipaddr":
				tb.str(a, m, ipaddrSpec)
			case "decimal":
				tb.decimalRows(a, m)
			case "datetime":
				tb.datetimeRows(a, m)
			case "duration":
				tb.durationRows(a, m)
			}
		})
	}
}

var (
	// contextKinds, attributeKindsOfPhoto and tagKindsOfPhoto are where the
	// registry's authorization requests set each AttributeValue member: in
	// contextMap, and in the photo entity's attributes and tags.
	contextKinds = attributeKinds{"boolean": "mfaAuthenticated", "entityIdentifier": "delegatedBy", "long": "requestCount",
		"string": "region", "set": "requestedScopes", "record": "device", "ipaddr": "sourceIp", "decimal": "riskScore",
		"datetime": "requestTime", "duration": "sessionAge"}
	attributeKindsOfPhoto = attributeKinds{"boolean": "private", "entityIdentifier": "owner", "long": "sizeBytes",
		"string": "title", "set": "labels", "record": "exif", "ipaddr": "uploadedFrom", "decimal": "rating",
		"datetime": "takenAt", "duration": "videoLength"}
	tagKindsOfPhoto = attributeKinds{"boolean": "legalHold", "entityIdentifier": "reviewer", "long": "retentionDays",
		"string": "classification", "set": "owners", "record": "review", "ipaddr": "allowedNetwork", "decimal": "storageCost",
		"datetime": "expires", "duration": "retention"}
)

// context adds the rows of a ContextDefinition: mapAt's base sets
// contextMap at mapPath, jsonAt's cedarJson at jsonPath (the same member
// path but for list indexes).
func (tb *table) context(mapAt at, mapPath string, jsonAt at, jsonPath string) {
	tb.object(mapAt, mapPath, nil, "contextJson")
	tb.unionNone(mapAt, mapPath, "contextMap")
	tb.unionNone(jsonAt, jsonPath, "cedarJson")
	tb.unionBoth(mapAt, mapPath, "cedarJson", "{}")
	tb.add(jsonAt, constraintCase{good: []mutation{set(jsonPath+".cedarJson", "")}, bad: []mutation{set(jsonPath+".cedarJson", map[string]any{"region": "us-east-1"})}, kw: "type"})
	tb.attributeMap(mapAt, mapPath+".contextMap", contextKinds)
}

// entities adds the rows of an EntitiesDefinition at path: list's base
// sets entityList (the photo, with every optional member, then its album),
// cedarJSON's cedarJson.
func (tb *table) entities(list, cedarJSON at, path string) {
	tb.object(list, path, nil, "entityMap")
	tb.unionNone(list, path, "entityList")
	tb.unionNone(cedarJSON, path, "cedarJson")
	tb.unionBoth(list, path, "cedarJson", "[]")
	tb.add(cedarJSON, constraintCase{good: []mutation{set(path+".cedarJson", "[]")}, bad: []mutation{set(path+".cedarJson", []any{})}, kw: "type"})

	el := path + ".entityList"
	tb.list(list, el, listSpec{})
	item := el + "[0]"
	tb.object(list, item, []string{"identifier"}, "uid") // Cedar JSON's name for identifier
	tb.entity(list, item+".identifier")
	tb.attributeMap(list, item+".attributes", attributeKindsOfPhoto)
	tb.attributeMap(list, item+".tags", tagKindsOfPhoto)
	parents := item + ".parents"
	tb.list(list, parents, listSpec{})
	album := map[string]any{"entityType": "MyCorp::Album", "entityId": "vacationFolder"}
	other := map[string]any{"entityType": "MyCorp::Album", "entityId": "beach"}
	tb.add(list, constraintCase{good: []mutation{set(parents, []any{album, other})}, bad: []mutation{set(parents, []any{album, other, album})}, kw: "uniqueItems"})
	tb.entity(list, parents+"[0]")
}

// pagedInput adds the rows of the members a List operation's input has
// for one policy store: the object with policyStoreId required (unknown is
// a member it does not have), policyStoreId, nextToken and maxResults, an
// integer of at least 1.
func (tb *table) pagedInput(a at, unknown string) {
	tb.object(a, "", []string{"policyStoreId"}, unknown)
	tb.str(a, "policyStoreId", policyStoreIDSpec)
	tb.str(a, "nextToken", nextTokenSpec)
	tb.add(a, constraintCase{good: []mutation{set("maxResults", 50)}, bad: []mutation{set("maxResults", "10")}, kw: "type"})
	tb.add(a, constraintCase{good: []mutation{set("maxResults", json.Number("2.0"))}, bad: []mutation{set("maxResults", json.Number("2.5"))}, kw: "type"})
	tb.add(a, constraintCase{good: []mutation{set("maxResults", 1)}, bad: []mutation{set("maxResults", 0)}, kw: "minimum"})
	tb.add(a, constraintCase{good: []mutation{set("maxResults", 1)}, bad: []mutation{set("maxResults", -1)}, kw: "minimum"})
}

// staticDefinition adds the rows of a StaticPolicyDefinition (or
// UpdateStaticPolicyDefinition, which has the same members) at path;
// unknown is a member it does not have.
func (tb *table) staticDefinition(a at, path, unknown string) {
	tb.object(a, path, []string{"statement"}, unknown)
	tb.str(a, path+".description", policyDescriptionSpec)
	tb.str(a, path+".statement", statementSpec)
}

// tokenMembers adds the rows of the members both authorization inputs
// have: policyStoreId, the two tokens and entities. id's base gives an
// identityToken and an entityList, access's an accessToken and cedarJson
// entities.
func (tb *table) tokenMembers(id, access at) {
	tb.str(id, "policyStoreId", policyStoreIDSpec)
	tb.str(id, "identityToken", tokenSpec)
	tb.str(access, "accessToken", tokenSpec)
	tb.entities(id, access, "entities")
}

// policyCases adds the rows of the policy and authorization inputs.
func (tb *table) policyCases() {
	// CreatePolicy input.
	cs := in("CreatePolicy", "CreatePolicy.input/static")
	ct := in("CreatePolicy", "CreatePolicy.input/template-linked")
	tb.object(cs, "", []string{"policyStoreId", "definition"}, "policyId")
	tb.str(cs, "clientToken", clientTokenSpec)
	tb.str(cs, "policyStoreId", policyStoreIDSpec)
	tb.str(cs, "name", policyNameSpec)
	tb.object(cs, "definition", nil, "policy")
	tb.unionNone(cs, "definition", "static")
	tb.unionNone(ct, "definition", "templateLinked")
	tb.unionBoth(cs, "definition", "templateLinked", map[string]any{"policyTemplateId": "PTEXAMPLEabcdefg111111"})
	tb.staticDefinition(cs, "definition.static", "principal")
	tl := "definition.templateLinked"
	tb.object(ct, tl, []string{"policyTemplateId"}, "statement")
	tb.str(ct, tl+".policyTemplateId", policyTemplateIDSpec)
	tb.entity(ct, tl+".principal")
	tb.entity(ct, tl+".resource")

	// GetPolicy and DeletePolicy inputs.
	for _, op := range []string{"GetPolicy", "DeletePolicy"} {
		a := in(op, op+".input")
		tb.object(a, "", []string{"policyStoreId", "policyId"}, "name")
		tb.str(a, "policyStoreId", policyStoreIDSpec)
		tb.str(a, "policyId", policyIDSpec)
	}

	// UpdatePolicy input: definition is optional [botocore 2026], a union
	// of one member.
	us := in("UpdatePolicy", "UpdatePolicy.input/static")
	tb.object(us, "", []string{"policyStoreId", "policyId"}, "clientToken")
	tb.str(us, "policyStoreId", policyStoreIDSpec)
	tb.str(us, "policyId", policyIDSpec)
	tb.str(us, "name", policyNameSpec)
	tb.object(us, "definition", nil, "templateLinked") // a template-linked policy is not updated here
	tb.unionNone(us, "definition", "static")
	tb.staticDefinition(us, "definition.static", "policyTemplateId")

	// ListPolicies input.
	lp := in("ListPolicies", "ListPolicies.input/principal-identifier")
	lr := in("ListPolicies", "ListPolicies.input/resource-identifier")
	tb.pagedInput(lp, "filters")
	tb.object(lp, "filter", nil, "action")
	tb.enum(lp, "filter.policyType", []any{"STATIC", "TEMPLATE_LINKED"}, "static", "TEMPLATE", 1, nil)
	tb.str(lr, "filter.policyTemplateId", policyTemplateIDSpec)
	for _, ref := range []struct {
		member           string
		identifier, none at // the bases setting identifier, unspecified
	}{{"principal", lp, lr}, {"resource", lr, lp}} {
		p := "filter." + ref.member
		tb.object(ref.identifier, p, nil, "entityType")
		tb.unionNone(ref.identifier, p, "identifier")
		tb.unionNone(ref.none, p, "unspecified")
		tb.unionBoth(ref.identifier, p, "unspecified", true)
		tb.add(ref.none, constraintCase{good: []mutation{set(p+".unspecified", false)}, bad: []mutation{set(p+".unspecified", "true")}, kw: "type"})
		tb.entity(ref.identifier, p+".identifier")
	}

	// IsAuthorizedWithToken input.
	ii := in("IsAuthorizedWithToken", "IsAuthorizedWithToken.input/identity-token")
	ia := in("IsAuthorizedWithToken", "IsAuthorizedWithToken.input/access-token")
	tb.object(ii, "", []string{"policyStoreId"}, "principal") // the token gives the principal
	tb.tokenMembers(ii, ia)
	tb.action(ii, "action")
	tb.entity(ii, "resource")
	tb.context(ii, "context", ia, "context")

	// BatchIsAuthorizedWithToken input.
	bi := in("BatchIsAuthorizedWithToken", "BatchIsAuthorizedWithToken.input/identity-token")
	ba := in("BatchIsAuthorizedWithToken", "BatchIsAuthorizedWithToken.input/access-token")
	tb.object(bi, "", []string{"policyStoreId", "requests"}, "action")
	tb.tokenMembers(bi, ba)
	tb.list(ba, "requests", listSpec{min: 1, item: func(i int) any {
		return map[string]any{"action": map[string]any{"actionType": "MyCorp::Action", "actionId": fmt.Sprintf("Action%d", i)}}
	}})
	tb.object(bi, "requests[0]", nil, "principal") // the token gives the principal
	tb.action(bi, "requests[0].action")
	tb.entity(bi, "requests[0].resource")
	tb.context(bi, "requests[0].context", bi, "requests[1].context")
}

package schemas_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// constraintCase is one constraint of one schema: a document that passes
// and one that fails on that constraint only. Both are the base document
// with mutations applied.
type constraintCase struct {
	op   string
	dir  schemas.Direction
	base string     // key in bases
	good []mutation // the passing document (none: the base itself)
	bad  []mutation // the failing document
	// path and kw are the member path and keyword of the single expected
	// violation. An empty path means the path of the last bad mutation.
	path string
	kw   string
	// implied lists keywords that necessarily fail together with kw at the
	// same path: a minLength of 1 on a string whose pattern also rejects ""
	// cannot be broken alone.
	implied []string
	// key overrides the coverage key (see coverageKey) for members whose
	// names are data, such as map values ("tags.*").
	key string
}

func (c constraintCase) wantPath() string {
	if c.path != "" || len(c.bad) == 0 {
		return c.path
	}
	return c.bad[len(c.bad)-1].path
}

// coverageKey is the (schema path, keyword) pair the row covers, in the
// form the schema walk produces: list indexes as "[]", an unknown member
// reported at the object that forbids it, map values as ".*".
func (c constraintCase) coverageKey() string {
	if c.key != "" {
		return c.key
	}
	p := template(c.wantPath())
	if c.kw == "additionalProperties" {
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			p = p[:i]
		} else {
			p = ""
		}
	}
	return p + ":" + c.kw
}

func (c constraintCase) name() string {
	bad := "?"
	if len(c.bad) > 0 {
		b, _ := json.Marshal(c.bad[len(c.bad)-1].value)
		bad = string(b)
		if c.bad[len(c.bad)-1].del {
			bad = "deleted"
		}
		if len(bad) > 40 {
			bad = bad[:40] + "…"
		}
	}
	p := c.wantPath()
	if p == "" {
		p = "(document)"
	}
	return fmt.Sprintf("%s.%s/%s/%s=%s", c.op, c.dir, p, c.kw, bad)
}

// at names where rows of a builder apply: an operation, a direction and a
// base document.
type at struct {
	op   string
	dir  schemas.Direction
	base string
}

func in(op, base string) at  { return at{op, schemas.Input, base} }
func out(op, base string) at { return at{op, schemas.Output, base} }

// table builds constraint rows for the shapes the schemas share.
type table struct {
	t    testing.TB
	rows []constraintCase
}

func (tb *table) add(a at, c constraintCase) {
	c.op, c.dir, c.base = a.op, a.dir, a.base
	tb.rows = append(tb.rows, c)
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// strSpec describes a string shape.
type strSpec struct {
	min, max int              // 0: no such bound
	mk       func(int) string // a value of exactly n runes that matches the pattern
	good     []string         // values the pattern accepts
	bad      []string         // values the pattern rejects (each is one row)
	// emptyAlso lists keywords besides minLength that reject "" (a pattern
	// that needs at least one character).
	emptyAlso []string
}

func (tb *table) str(a at, path string, s strSpec) {
	tb.add(a, constraintCase{bad: []mutation{set(path, 42)}, kw: "type"})
	if s.min > 0 {
		c := constraintCase{bad: []mutation{set(path, cycle("x", s.min-1))}, kw: "minLength", implied: s.emptyAlso}
		if len(s.emptyAlso) == 0 {
			c.good = []mutation{set(path, s.mk(s.min))}
		}
		tb.add(a, c)
	}
	if s.max > 0 {
		tb.add(a, constraintCase{good: []mutation{set(path, s.mk(s.max))}, bad: []mutation{set(path, s.mk(s.max+1))}, kw: "maxLength"})
	}
	for i, bad := range s.bad {
		tb.add(a, constraintCase{good: []mutation{set(path, s.good[i%len(s.good)])}, bad: []mutation{set(path, bad)}, kw: "pattern"})
	}
}

// object adds rows for an object: wrong type, each required member missing,
// and an unknown member.
func (tb *table) object(a at, path string, required []string, unknown string) {
	typ := mutation{path: path, value: "not an object"}
	tb.add(a, constraintCase{bad: []mutation{typ}, kw: "type"})
	for _, m := range required {
		tb.add(a, constraintCase{bad: []mutation{del(join(path, m))}, kw: "required"})
	}
	tb.add(a, constraintCase{bad: []mutation{set(join(path, unknown), "x")}, kw: "additionalProperties"})
}

// union adds the "both members set" row: the base sets member, the row adds
// other.
func (tb *table) unionBoth(a at, path, other string, otherValue any) {
	tb.add(a, constraintCase{bad: []mutation{set(join(path, other), otherValue)}, path: path, kw: "oneOf"})
}

// unionNone adds the "no member set" row: the base sets member, the row
// deletes it.
func (tb *table) unionNone(a at, path, member string) {
	tb.add(a, constraintCase{bad: []mutation{del(join(path, member))}, path: path, kw: "oneOf"})
}

// listSpec describes a list shape.
type listSpec struct {
	min, max int
	item     func(i int) any
}

func (tb *table) list(a at, path string, l listSpec) {
	tb.add(a, constraintCase{bad: []mutation{set(path, "not a list")}, kw: "type"})
	if l.min > 0 {
		tb.add(a, constraintCase{good: []mutation{set(path, list(l.min, l.item))}, bad: []mutation{set(path, list(l.min-1, l.item))}, kw: "minItems"})
	}
	if l.max > 0 {
		tb.add(a, constraintCase{good: []mutation{set(path, list(l.max, l.item))}, bad: []mutation{set(path, list(l.max+1, l.item))}, kw: "maxItems"})
	}
}

func (tb *table) enum(a at, path string, good []any, bad ...any) {
	for i, b := range bad {
		tb.add(a, constraintCase{good: []mutation{set(path, good[i%len(good)])}, bad: []mutation{set(path, b)}, kw: "enum"})
	}
}

func (tb *table) timestamp(a at, path string) {
	// awsJson1_0 would send epoch seconds; the model's timestampFormat
	// date-time overrides that, so a number is the wrong type.
	tb.add(a, constraintCase{good: []mutation{set(path, "2024-08-12T18:20:50.99Z")}, bad: []mutation{set(path, json.Number("1684528228.173"))}, kw: "type"})
	good := []string{"2023-05-19T20:29:23.66812Z", "2023-05-19T20:30:28+00:00", "2023-05-19T20:30:28Z"}
	for i, bad := range []string{"2023-05-19", "1684528228", "2023-05-19 20:30:28", "19/05/2023 20:30:28", "2023-05-19T25:30:28Z"} {
		tb.add(a, constraintCase{good: []mutation{set(path, good[i%len(good)])}, bad: []mutation{set(path, bad)}, kw: "format"})
	}
}

var (
	policyStoreIDSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle(policyStoreID, n) },
		good: []string{"policy-store-alias/example_store", "PSEXAMPLEabcdefg111111"},
		bad:  []string{"C7v5 xMplfFH3i3e4", "C7v5xMplfFH3.i3e4", "policy-store-alias:example", "C7v5xMplfFH3i3e4\n"}}
	identitySourceIDSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle(identitySourceID, n) },
		good: []string{identitySourceID, "is-0123-abcd"},
		bad:  []string{"ISEXAMPLE abcdefg", "ISEXAMPLE.abcdefg", "IS_EXAMPLE", "policy-store-alias/example"}}
	clientTokenSpec = strSpec{min: 1, max: 64, mk: func(n int) string { return cycle(clientToken, n) },
		good: []string{clientToken},
		bad:  []string{"token 1", "token.1", "token_1"}}
	principalEntityTypeSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return cycle("MyCorp::Usér", n) },
		good: []string{"AWS::Cognito", "MyCorp::User"},
		bad:  []string{"MyCorp::User\n", "MyCorp\n::User"}}
	userPoolArnSpec = strSpec{min: 1, max: 255,
		mk: func(n int) string {
			return withPrefix("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_", "1a2b3c4d5", n)
		},
		emptyAlso: []string{"pattern"},
		good:      []string{userPoolArn, "arn:aws-us-gov:cognito-idp:us-gov-west-1:123456789012:userpool/us-gov-west-1_AbC123"},
		bad: []string{
			"arn:aws:cognito-idp:us-east-1:12345678901:userpool/us-east-1_1a2b3c4d5",   // 11-digit account
			"arn:aws:cognito-idp:us-east-1:1234567890123:userpool/us-east-1_1a2b3c4d5", // 13-digit account
			"arn:aws:cognito-identity:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
			"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1-1a2b3c4d5", // no "_"
			"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5 ",
			"us-east-1_1a2b3c4d5",
		}}
	issuerSpec = strSpec{min: 1, max: 2048, mk: func(n int) string { return withPrefix("https://auth.example.com/", "tenänt/", n) },
		emptyAlso: []string{"pattern"},
		good:      []string{"https://auth.example.com", cognitoIssuer},
		bad:       []string{"http://auth.example.com", "auth.example.com", "HTTPS://auth.example.com", " https://auth.example.com"}}
	discoveryURLSpec = strSpec{min: 1, max: 2048,
		mk: func(n int) string {
			return withPrefix("https://cognito-idp.us-east-1.amazonaws.com/", "us-east-1_1a2b3c4d5/", n)
		},
		emptyAlso: []string{"pattern"},
		good:      []string{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5/.well-known/openid-configuration", cognitoIssuer},
		bad:       []string{"http://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5", "cognito-idp.us-east-1.amazonaws.com"}}
	groupEntityTypeSpec = strSpec{min: 1, max: 200, mk: func(n int) string { return withPrefix("MyCorp::", "UserGroup_", n) },
		emptyAlso: []string{"pattern"},
		good:      []string{"MyCorp::Group", "AWS::CognitoGroup", "Group", "_a::_b1"},
		bad:       []string{"MyCorp:Group", "MyCorp::", "::Group", "1Corp::Group", "My Corp::Group", "MyCorp::Gröup", "MyCorp::Group\n"}}
	clientIDSpec = strSpec{min: 1, max: 255, mk: func(n int) string { return cycle(cognitoClientID+"ü", n) },
		good: []string{cognitoClientID, "1example23456789"},
		bad:  []string{"a1b2c3d4\ne5f6g7h8"}}
	audienceSpec     = strSpec{min: 1, max: 255, mk: func(n int) string { return cycle("https://myapp.example.com/é", n) }}
	entityIDPrefix   = strSpec{min: 1, max: 100, mk: func(n int) string { return cycle("MyOIDCProvidér", n) }}
	claimSpec        = strSpec{min: 1, mk: func(n int) string { return cycle("groups", n) }}
	nextTokenSpec    = strSpec{min: 1, max: 8000, mk: func(n int) string { return cycle("eyJhbGciOiJIUzI1NiJ9.eyJwYWdlIjoyfQ==+/_-", n) }, good: []string{"eyJhbGciOiJIUzI1NiJ9.eyJwYWdlIjoyfQ=="}, bad: []string{"eyJhbGci OiJ", "tok%en", "tok\nen", "tökén"}}
	descriptionSpec  = strSpec{max: 150, mk: func(n int) string { return cycle("Policy store for the expenses app – ünïcode ", n) }}
	kmsKeySpec       = strSpec{good: []string{"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/ExampleAlias", "1234abcd-12ab-34cd-56ef-1234567890ab"}, bad: []string{"", "alias/my key", "alias/ExampleAlias\n", "alias/Exämple"}}
	cognitoClientIDs = listSpec{max: 1000, item: func(i int) any { return fmt.Sprintf("%026d", i) }}
)

func (tb *table) clientIDs(a at, path string) {
	tb.list(a, path, cognitoClientIDs)
	tb.str(a, path+"[0]", clientIDSpec)
}

// cognito adds the rows of a CognitoUserPoolConfiguration (input) or
// CognitoUserPoolConfigurationDetail (output, detail) at path.
func (tb *table) cognito(a at, path string, detail bool) {
	if detail {
		tb.object(a, path, []string{"userPoolArn", "clientIds", "issuer"}, "identityPoolId")
		tb.str(a, path+".issuer", issuerSpec)
	} else {
		// issuer is output-only: a request must not carry it.
		tb.object(a, path, []string{"userPoolArn"}, "issuer")
	}
	tb.str(a, path+".userPoolArn", userPoolArnSpec)
	tb.clientIDs(a, path+".clientIds")
	gc := path + ".groupConfiguration"
	if detail {
		tb.object(a, gc, nil, "groupClaim") // groupEntityType is optional in output
	} else {
		tb.object(a, gc, []string{"groupEntityType"}, "groupClaim")
	}
	tb.str(a, gc+".groupEntityType", groupEntityTypeSpec)
}

// oidc adds the rows of an OpenIdConnectConfiguration (or its Detail, which
// has the same constraints) at path; access's base selects accessTokenOnly,
// identity's identityTokenOnly.
func (tb *table) oidc(access, identity at, path string) {
	tb.object(access, path, []string{"issuer", "tokenSelection"}, "userPoolArn")
	tb.str(access, path+".issuer", issuerSpec)
	tb.str(access, path+".entityIdPrefix", entityIDPrefix)
	gc := path + ".groupConfiguration"
	tb.object(access, gc, []string{"groupClaim", "groupEntityType"}, "principalIdClaim")
	tb.str(access, gc+".groupClaim", claimSpec)
	tb.str(access, gc+".groupEntityType", groupEntityTypeSpec)

	ts := path + ".tokenSelection"
	tb.object(access, ts, nil, "refreshTokenOnly")
	tb.unionNone(access, ts, "accessTokenOnly")
	tb.unionNone(identity, ts, "identityTokenOnly")
	tb.unionBoth(access, ts, "identityTokenOnly", map[string]any{"clientIds": []any{"1example23456789"}})

	ato := ts + ".accessTokenOnly"
	tb.object(access, ato, nil, "clientIds") // clientIds belong to identityTokenOnly
	tb.str(access, ato+".principalIdClaim", claimSpec)
	tb.list(access, ato+".audiences", listSpec{min: 1, max: 255, item: func(i int) any { return fmt.Sprintf("https://app%d.example.com", i) }})
	tb.str(access, ato+".audiences[0]", audienceSpec)

	ito := ts + ".identityTokenOnly"
	tb.object(identity, ito, nil, "audiences") // audiences belong to accessTokenOnly
	tb.str(identity, ito+".principalIdClaim", claimSpec)
	tb.clientIDs(identity, ito+".clientIds")
}

// configuration adds the rows of a Configuration / UpdateConfiguration /
// ConfigurationDetail union at path.
func (tb *table) configuration(cognito, access, identity at, path string, detail bool) {
	tb.object(cognito, path, nil, "samlConfiguration")
	tb.unionNone(cognito, path, "cognitoUserPoolConfiguration")
	tb.unionNone(access, path, "openIdConnectConfiguration")
	tb.unionBoth(cognito, path, "openIdConnectConfiguration", raw(tb.t, oidcAccess))
	cognitoValue := cognitoIn
	if detail {
		cognitoValue = cognitoOut
	}
	tb.unionBoth(access, path, "cognitoUserPoolConfiguration", raw(tb.t, cognitoValue))
	tb.cognito(cognito, path+".cognitoUserPoolConfiguration", detail)
	tb.oidc(access, identity, path+".openIdConnectConfiguration")
}

// constraintCases is the table: every constraint of the GetIdentitySource
// and UpdateIdentitySource schemas (input and output) and of the other
// operations' inputs (the setup operations', and those of
// constraints_policy_test.go).
func constraintCases(t testing.TB) []constraintCase {
	tb := &table{t: t}

	// GetIdentitySource input.
	gi := in("GetIdentitySource", "GetIdentitySource.input")
	tb.object(gi, "", []string{"policyStoreId", "identitySourceId"}, "principalEntityType")
	tb.str(gi, "policyStoreId", policyStoreIDSpec)
	tb.str(gi, "identitySourceId", identitySourceIDSpec)

	// UpdateIdentitySource input.
	uc := in("UpdateIdentitySource", "UpdateIdentitySource.input/cognito")
	ua := in("UpdateIdentitySource", "UpdateIdentitySource.input/oidc-access")
	ui := in("UpdateIdentitySource", "UpdateIdentitySource.input/oidc-identity")
	tb.object(uc, "", []string{"policyStoreId", "identitySourceId", "updateConfiguration"}, "clientToken")
	tb.str(uc, "policyStoreId", policyStoreIDSpec)
	tb.str(uc, "identitySourceId", identitySourceIDSpec)
	tb.str(uc, "principalEntityType", principalEntityTypeSpec)
	tb.configuration(uc, ua, ui, "updateConfiguration", false)

	// GetIdentitySource output.
	gc := out("GetIdentitySource", "GetIdentitySource.output/cognito")
	ga := out("GetIdentitySource", "GetIdentitySource.output/oidc-access")
	gd := out("GetIdentitySource", "GetIdentitySource.output/oidc-identity")
	tb.object(gc, "", []string{"createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId", "principalEntityType"}, "arn")
	tb.timestamp(gc, "createdDate")
	tb.timestamp(gc, "lastUpdatedDate")
	tb.str(gc, "policyStoreId", policyStoreIDSpec)
	tb.str(gc, "identitySourceId", identitySourceIDSpec)
	tb.str(gc, "principalEntityType", principalEntityTypeSpec)
	tb.object(gc, "details", nil, "issuer")
	tb.clientIDs(gc, "details.clientIds")
	tb.str(gc, "details.userPoolArn", userPoolArnSpec)
	tb.str(gc, "details.discoveryUrl", discoveryURLSpec)
	tb.enum(gc, "details.openIdIssuer", []any{"COGNITO"}, "cognito", "OIDC", 1, nil)
	tb.configuration(gc, ga, gd, "configuration", true)

	// UpdateIdentitySource output: the four ids and dates, no configuration.
	uo := out("UpdateIdentitySource", "UpdateIdentitySource.output")
	tb.object(uo, "", []string{"createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId"}, "updateConfiguration")
	tb.timestamp(uo, "createdDate")
	tb.timestamp(uo, "lastUpdatedDate")
	tb.str(uo, "policyStoreId", policyStoreIDSpec)
	tb.str(uo, "identitySourceId", identitySourceIDSpec)

	// CreatePolicyStore input.
	pk := in("CreatePolicyStore", "CreatePolicyStore.input/kms")
	pd := in("CreatePolicyStore", "CreatePolicyStore.input/default")
	tb.object(pk, "", []string{"validationSettings"}, "name")
	tb.str(pk, "clientToken", clientTokenSpec)
	tb.object(pk, "validationSettings", []string{"mode"}, "cedarVersion")
	tb.enum(pk, "validationSettings.mode", []any{"OFF", "STRICT"}, "off", "PERMISSIVE", nil)
	tb.str(pk, "description", descriptionSpec)
	tb.enum(pk, "deletionProtection", []any{"ENABLED", "DISABLED"}, "enabled", true)
	es := "encryptionSettings"
	tb.object(pk, es, nil, "awsOwnedKey")
	tb.unionNone(pk, es, "kmsEncryptionSettings")
	tb.unionNone(pd, es, "default")
	tb.unionBoth(pk, es, "default", map[string]any{})
	kms := es + ".kmsEncryptionSettings"
	tb.object(pk, kms, []string{"key"}, "keyId")
	tb.str(pk, kms+".key", kmsKeySpec)
	ec := kms + ".encryptionContext"
	tb.add(pk, constraintCase{bad: []mutation{set(ec, "application=expenses")}, kw: "type"})
	ctx := func(i int) (string, any) { return fmt.Sprintf("context-%04d", i), "value" }
	tb.add(pk, constraintCase{good: []mutation{set(ec, object(8192, ctx))}, bad: []mutation{set(ec, object(8193, ctx))}, kw: "maxProperties"})
	// propertyNames: the validator cannot append an empty token to the
	// instance location, so an empty name is reported at the map itself.
	tb.add(pk, constraintCase{bad: []mutation{set(ec+".", "expenses")}, path: ec, kw: "minLength", key: ec + ".{}:minLength"})
	tb.add(pk, constraintCase{bad: []mutation{set(ec+".application", 7)}, kw: "type", key: ec + ".*:type"})
	tb.add(pk, constraintCase{good: []mutation{set(ec+".application", "e")}, bad: []mutation{set(ec+".application", "")}, kw: "minLength", key: ec + ".*:minLength"})
	tb.add(pd, constraintCase{bad: []mutation{set(es+".default", "AWS_OWNED_KMS_KEY")}, kw: "type"})
	tb.add(pd, constraintCase{bad: []mutation{set(es+".default.key", "alias/ExampleAlias")}, path: es + ".default", kw: "maxProperties"})
	tb.add(pk, constraintCase{bad: []mutation{set("tags", []any{"team"})}, kw: "type"})
	tag := func(i int) (string, any) { return fmt.Sprintf("tag-%03d", i), "v" }
	tb.add(pk, constraintCase{good: []mutation{set("tags", object(200, tag))}, bad: []mutation{set("tags", object(201, tag))}, kw: "maxProperties"})
	tb.add(pk, constraintCase{bad: []mutation{set("tags.", "identity")}, path: "tags", kw: "minLength", key: "tags.{}:minLength"})
	tb.add(pk, constraintCase{good: []mutation{set("tags."+cycle("kéy-", 128), "v")}, bad: []mutation{set("tags."+cycle("kéy-", 129), "v")}, kw: "maxLength", key: "tags.{}:maxLength"})
	tb.add(pk, constraintCase{bad: []mutation{set("tags.team", 7)}, kw: "type", key: "tags.*:type"})
	tb.add(pk, constraintCase{good: []mutation{set("tags.team", cycle("idéntity ", 256))}, bad: []mutation{set("tags.team", cycle("idéntity ", 257))}, kw: "maxLength", key: "tags.*:maxLength"})

	// GetPolicyStore and DeletePolicyStore inputs.
	gp := in("GetPolicyStore", "GetPolicyStore.input")
	tb.object(gp, "", []string{"policyStoreId"}, "arn")
	tb.str(gp, "policyStoreId", policyStoreIDSpec)
	tb.add(gp, constraintCase{good: []mutation{set("tags", false)}, bad: []mutation{set("tags", "true")}, kw: "type"})
	dp := in("DeletePolicyStore", "DeletePolicyStore.input")
	tb.object(dp, "", []string{"policyStoreId"}, "deletionProtection")
	tb.str(dp, "policyStoreId", policyStoreIDSpec)

	// CreateIdentitySource input.
	cc := in("CreateIdentitySource", "CreateIdentitySource.input/cognito")
	ca := in("CreateIdentitySource", "CreateIdentitySource.input/oidc-access")
	ci := in("CreateIdentitySource", "CreateIdentitySource.input/oidc-identity")
	tb.object(cc, "", []string{"policyStoreId", "configuration"}, "updateConfiguration")
	tb.str(cc, "clientToken", clientTokenSpec)
	tb.str(cc, "policyStoreId", policyStoreIDSpec)
	tb.str(cc, "principalEntityType", principalEntityTypeSpec)
	tb.configuration(cc, ca, ci, "configuration", false)

	// DeleteIdentitySource input.
	di := in("DeleteIdentitySource", "DeleteIdentitySource.input")
	tb.object(di, "", []string{"policyStoreId", "identitySourceId"}, "clientToken")
	tb.str(di, "policyStoreId", policyStoreIDSpec)
	tb.str(di, "identitySourceId", identitySourceIDSpec)

	// ListIdentitySources input.
	li := in("ListIdentitySources", "ListIdentitySources.input")
	tb.pagedInput(li, "pageSize")
	tb.list(li, "filters", listSpec{max: 10, item: func(int) any { return map[string]any{"principalEntityType": "MyCorp::User"} }})
	tb.object(li, "filters[0]", nil, "identitySourceId")
	tb.str(li, "filters[0].principalEntityType", principalEntityTypeSpec)

	// The policy and authorization operations' inputs.
	tb.policyCases()

	return tb.rows
}

// TestConstraints checks, for each row, that the passing document passes
// and that the failing one fails with exactly the expected violation.
func TestConstraints(t *testing.T) {
	rows := constraintCases(t)
	seen := map[string]int{}
	for _, c := range rows {
		name := c.name()
		seen[name]++
		if seen[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, seen[name])
		}
		t.Run(name, func(t *testing.T) {
			b, ok := bases[c.base]
			if !ok || b.op != c.op || b.dir != c.dir {
				t.Fatalf("row names base %q, which is not a %s %s document", c.base, c.op, c.dir)
			}
			good := apply(t, b.doc, c.good...)
			mustValidate(t, c.op, c.dir, good)

			bad := apply(t, b.doc, c.bad...)
			got := violations(t, c.op, c.dir, bad)
			want := append([]string{c.kw}, c.implied...)
			if len(got) != len(want) {
				t.Fatalf("got %d violations %s, want %q at %q\nbody: %s", len(got), describe(got), want, c.wantPath(), clip(bad))
			}
			found := map[string]bool{}
			for _, v := range got {
				if v.Path() != c.wantPath() {
					t.Errorf("violation %s: path %q, want %q", describe([]schemas.Violation{v}), v.Path(), c.wantPath())
				}
				found[v.Keyword] = true
			}
			for _, kw := range want {
				if !found[kw] {
					t.Errorf("no %q violation in %s", kw, describe(got))
				}
			}
		})
	}
}

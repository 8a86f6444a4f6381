package fake

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vpconform/vpconform/schemas"
)

// How much of what a request sent an error message may echo. Whatever a
// request holds, a refusal stays small: a few KiB (see refusalBudget in
// the tests), well under 64 KiB.
const (
	// maxEchoedTarget bounds an X-Amz-Target, an operation name or a
	// header value quoted in a message.
	maxEchoedTarget = 64
	// maxEchoedPath bounds a member path in a ValidationException (an
	// unknown member's name is the client's to choose).
	maxEchoedPath = 128
	// maxEchoedConstraint bounds the text of one broken constraint.
	maxEchoedConstraint = 512
	// maxEchoedID bounds an id from an unvalidated body quoted in an
	// AccessDeniedException or an injected error.
	maxEchoedID = 256
)

// clip shortens s to at most n bytes, at a rune boundary, and marks the cut
// with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// resolveTarget reads X-Amz-Target. It returns the operation the fake serves
// under that name, or the error to answer with: UnknownOperationException
// for a missing header, another service's target or a name that is not an
// operation of the model (names are case-sensitive: getidentitysource is
// none), NotImplementedException for an operation of the model the fake does
// not serve. Echoed names are clipped to maxEchoedTarget.
func resolveTarget(target string) (string, operation, error) {
	// A served operation's target, the common case, is looked up as it
	// is: its name has none of the characters OperationFromTarget refuses.
	if name, ok := strings.CutPrefix(target, schemas.TargetPrefix); ok {
		if op, ok := operations[name]; ok {
			return name, op, nil
		}
	}
	name := schemas.OperationFromTarget(target)
	switch {
	case target == "":
		return "", operation{}, &UnknownOperationException{Message: "missing X-Amz-Target header; expected " + schemas.TargetPrefix + "<Operation>"}
	case name == "":
		return "", operation{}, &UnknownOperationException{Message: fmt.Sprintf("X-Amz-Target %q names no VerifiedPermissions operation; expected %s<Operation>",
			clip(target, maxEchoedTarget), schemas.TargetPrefix)}
	}
	if op, ok := operations[name]; ok {
		return name, op, nil
	}
	if !schemas.IsModelOperation(name) {
		return "", operation{}, &UnknownOperationException{Message: fmt.Sprintf(
			"VerifiedPermissions has no operation %q (operation names are case-sensitive)", clip(name, maxEchoedTarget))}
	}
	return "", operation{}, &NotImplementedException{Message: fmt.Sprintf(
		"the vpconform fake does not serve VerifiedPermissions.%s; it serves only %s",
		name, strings.Join(servedOperations(), ", "))}
}

// checkEncoding refuses a body that an awsJson1_0 deserialiser could not
// read as Unicode text: bytes that are not UTF-8, or a \u escape of a UTF-16
// surrogate that is not half of a pair (a lone \ud800, or \udc00 without a
// high surrogate before it). Go's JSON decoder would silently turn both into
// U+FFFD and store a value the client never sent. Both are a
// SerializationException naming the byte offset.
//
// Inferred (I): Smithy's own JSON deserialiser (smithy-rs aws-smithy-json,
// escape.rs, in its default configuration) refuses both; no Verified
// Permissions answer to either has been seen.
func checkEncoding(body []byte) error {
	if !utf8.Valid(body) {
		off := 0
		for off < len(body) {
			r, size := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return &SerializationException{Message: fmt.Sprintf("request body is not valid UTF-8: invalid byte at offset %d", off)}
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			continue
		}
		if body[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		high, ok := hex4(body, i+2)
		if !ok {
			i++ // not a \u escape the decoder accepts; it reports that
			continue
		}
		switch {
		case high >= 0xDC00 && high <= 0xDFFF:
			return loneSurrogate(body, i)
		case high >= 0xD800 && high <= 0xDBFF:
			low, ok := rune(0), i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u'
			if ok {
				low, ok = hex4(body, i+8)
			}
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return loneSurrogate(body, i)
			}
			i += 11
		default:
			i += 5
		}
	}
	return nil
}

func loneSurrogate(body []byte, off int) error {
	return &SerializationException{Message: fmt.Sprintf(
		"request body has a lone UTF-16 surrogate escape %s at offset %d; a JSON string must be valid Unicode", body[off:off+6], off)}
}

// hex4 reads four hexadecimal digits at body[at:].
func hex4(body []byte, at int) (rune, bool) {
	if at+4 > len(body) {
		return 0, false
	}
	var r rune
	for _, c := range body[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// maxNesting bounds how deep arrays and objects nest in a request body. The
// contexts and entities of IsAuthorizedWithToken nest without end in the
// model (records of sets of records …), and validating each level against
// their union schemas costs more than the level before; no real request
// nests this deep. AWS's own bound is not known (I).
const maxNesting = 64

// checkNesting refuses a body whose arrays and objects nest deeper than
// maxNesting, as a SerializationException, before it is decoded. It reads
// only the structure: brackets inside strings do not count.
func checkNesting(body []byte) error {
	depth := 0
	var err error
	eachStructural(body, func(i int, c byte) bool {
		switch c {
		case '[', '{':
			if depth++; depth > maxNesting {
				err = &SerializationException{Message: fmt.Sprintf("request body nests arrays and objects deeper than %d levels (at offset %d)", maxNesting, i)}
				return false
			}
		case ']', '}':
			depth--
		}
		return true
	})
	return err
}

// eachStructural calls visit with the offset of each byte of the JSON text
// b that is outside strings and is a bracket or a comma, in order, until
// visit returns false. It skips strings by their quotes and escapes only:
// it does not check that b is JSON.
func eachStructural(b []byte, visit func(i int, c byte) bool) {
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[' || c == '}' || c == ']' || c == ',':
			if !visit(i, c) {
				return
			}
		}
	}
}

// jsonAppender is an output that writes its own JSON, byte for byte what
// json.Marshal writes for it (TestAppendJSONMatchesMarshal holds them
// equal), without reflection: the outputs of the identity-source reads and
// writes, which are the hot path of a test run.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// appendJSONString appends s as json.Marshal writes a string: printable
// ASCII other than '"', '\\', '<', '>' and '&' as it is, anything else
// through json.Marshal itself (which escapes HTML characters, control
// characters, U+2028 and U+2029, and replaces invalid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if !jsonPlain[s[i]] {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain are the bytes json.Marshal writes in a string as they are and
// appendJSONString and decodeFlatStrings handle themselves: printable ASCII
// other than '"', '\\', '<', '>' and '&'.
var jsonPlain = func() (plain [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		plain[c] = true
	}
	for _, c := range `"\<>&` {
		plain[c] = false
	}
	return plain
}()

// appendJSONStrings appends a list of strings; nil is null, as json.Marshal
// writes a nil slice.
func appendJSONStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// jsonObject writes the members of a JSON object, each after a comma but
// the first.
type jsonObject struct {
	b     []byte
	begun bool
}

func openJSONObject(b []byte) jsonObject { return jsonObject{b: append(b, '{')} }

// key writes the name of the next member; name is written as it is, so it
// must be a member name that needs no escape.
func (o *jsonObject) key(name string) {
	if o.begun {
		o.b = append(o.b, ',')
	}
	o.begun = true
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) string(name, value string) {
	o.key(name)
	o.b = appendJSONString(o.b, value)
}

func (o *jsonObject) strings(name string, list []string) {
	o.key(name)
	o.b = appendJSONStrings(o.b, list)
}

func (o *jsonObject) close() []byte { return append(o.b, '}') }

func (out writeIdentitySourceOutput) appendJSON(b []byte) []byte {
	o := openJSONObject(b)
	o.string("createdDate", out.CreatedDate)
	o.string("identitySourceId", out.IdentitySourceID)
	o.string("lastUpdatedDate", out.LastUpdatedDate)
	o.string("policyStoreId", out.PolicyStoreID)
	return o.close()
}

func (out listIdentitySourcesOutput) appendJSON(b []byte) []byte {
	o := openJSONObject(b)
	o.key("identitySources")
	if out.IdentitySources == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i, is := range out.IdentitySources {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = is.appendJSON(o.b)
		}
		o.b = append(o.b, ']')
	}
	if out.NextToken != nil {
		o.string("nextToken", *out.NextToken)
	}
	return o.close()
}

func (out identitySourceOutput) appendJSON(b []byte) []byte {
	o := openJSONObject(b)
	o.string("createdDate", out.CreatedDate)
	if d := out.Details; d != nil {
		o.key("details")
		do := openJSONObject(o.b)
		do.strings("clientIds", d.ClientIDs)
		do.string("userPoolArn", d.UserPoolArn)
		do.string("discoveryUrl", d.DiscoveryURL)
		do.string("openIdIssuer", d.OpenIDIssuer)
		o.b = do.close()
	}
	o.string("identitySourceId", out.IdentitySourceID)
	o.string("lastUpdatedDate", out.LastUpdatedDate)
	o.string("policyStoreId", out.PolicyStoreID)
	o.string("principalEntityType", out.PrincipalEntityType)
	if c := out.Configuration; c != nil {
		o.key("configuration")
		o.b = c.appendJSON(o.b)
	}
	return o.close()
}

// appendOutputJSON appends is.output()'s JSON, byte for byte what its
// appendJSON writes (TestOutputJSONMatchesOutput holds them equal),
// straight from is: no output value, the member names written as
// literals, the dates and the Cognito issuer written where they go rather
// than made strings first, and what the answer says twice (the client ids,
// the issuer, a date never updated) written once and copied.
func (is *identitySource) appendOutputJSON(b []byte) []byte {
	cognito := is.configuration.Cognito
	b = append(b, `{"createdDate":`...)
	created := len(b)
	b = appendStampJSON(b, is.created)
	createdEnd := len(b)
	var clientIDs, issuer [2]int // where the details wrote them
	if cognito != nil {
		b = append(b, `,"details":{"clientIds":`...)
		clientIDs[0] = len(b)
		b = appendJSONStrings(b, cognitoClientIDs(cognito))
		clientIDs[1] = len(b)
		b = append(b, `,"userPoolArn":`...)
		b = appendJSONString(b, cognito.UserPoolArn)
		b = append(b, `,"discoveryUrl":`...)
		issuer[0] = len(b)
		b = appendCognitoIssuerJSON(b, cognito.UserPoolArn)
		issuer[1] = len(b)
		b = append(b, `,"openIdIssuer":"COGNITO"}`...)
	}
	b = append(b, `,"identitySourceId":`...)
	b = appendJSONString(b, is.id)
	b = append(b, `,"lastUpdatedDate":`...)
	if is.updated == is.created {
		b = append(b, b[created:createdEnd]...)
	} else {
		b = appendStampJSON(b, is.updated)
	}
	b = append(b, `,"policyStoreId":`...)
	b = appendJSONString(b, is.policyStoreID)
	b = append(b, `,"principalEntityType":`...)
	b = appendJSONString(b, is.principalEntityType)
	b = append(b, `,"configuration":{`...)
	if cognito != nil {
		b = append(b, `"cognitoUserPoolConfiguration":{"userPoolArn":`...)
		b = appendJSONString(b, cognito.UserPoolArn)
		b = append(b, `,"clientIds":`...)
		b = append(b, b[clientIDs[0]:clientIDs[1]]...)
		b = append(b, `,"issuer":`...)
		b = append(b, b[issuer[0]:issuer[1]]...)
		if g := cognito.GroupConfiguration; g != nil {
			b = append(b, `,"groupConfiguration":{"groupEntityType":`...)
			b = appendJSONString(b, g.GroupEntityType)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if oidc := is.configuration.OIDC; oidc != nil {
		if cognito != nil {
			b = append(b, ',')
		}
		b = append(b, `"openIdConnectConfiguration":`...)
		b = oidc.appendJSON(b)
	}
	return append(b, "}}"...)
}

// cognitoClientIDs are the client ids an answer lists: none is [], not
// null.
func cognitoClientIDs(c *cognitoUserPoolConfiguration) []string {
	if c.ClientIDs == nil {
		return []string{}
	}
	return c.ClientIDs
}

// appendStampJSON appends a date as a JSON string, as timestamp formats
// it; its characters (digits, '-', '+', ':', '.', 'T', 'Z') need no escape.
func appendStampJSON(b []byte, s stamp) []byte {
	b = append(b, '"')
	b = appendTimestamp(b, s.time())
	return append(b, '"')
}

// appendCognitoIssuerJSON appends, as a JSON string, the issuer of the user
// pool userPoolArn names (cognitoIssuer), escaped as appendJSONString
// would should it need it.
func appendCognitoIssuerJSON(b []byte, userPoolArn string) []byte {
	start := len(b)
	b = append(b, '"')
	b = appendCognitoIssuer(b, userPoolArn)
	for _, c := range b[start+1:] {
		if !jsonPlain[c] {
			return appendJSONString(b[:start], string(b[start+1:]))
		}
	}
	return append(b, '"')
}

func (c *configurationDetail) appendJSON(b []byte) []byte {
	o := openJSONObject(b)
	if cognito := c.Cognito; cognito != nil {
		o.key("cognitoUserPoolConfiguration")
		co := openJSONObject(o.b)
		co.string("userPoolArn", cognito.UserPoolArn)
		co.strings("clientIds", cognito.ClientIDs)
		co.string("issuer", cognito.Issuer)
		if g := cognito.GroupConfiguration; g != nil {
			co.key("groupConfiguration")
			gc := openJSONObject(co.b)
			gc.string("groupEntityType", g.GroupEntityType)
			co.b = gc.close()
		}
		o.b = co.close()
	}
	if oidc := c.OIDC; oidc != nil {
		o.key("openIdConnectConfiguration")
		o.b = oidc.appendJSON(o.b)
	}
	return o.close()
}

func (c *openIDConnectConfiguration) appendJSON(b []byte) []byte {
	o := openJSONObject(b)
	o.string("issuer", c.Issuer)
	if c.EntityIDPrefix != nil {
		o.string("entityIdPrefix", *c.EntityIDPrefix)
	}
	if g := c.GroupConfiguration; g != nil {
		o.key("groupConfiguration")
		gro := openJSONObject(o.b)
		gro.string("groupClaim", g.GroupClaim)
		gro.string("groupEntityType", g.GroupEntityType)
		o.b = gro.close()
	}
	o.key("tokenSelection")
	ts := openJSONObject(o.b)
	if a := c.TokenSelection.AccessTokenOnly; a != nil {
		ts.key("accessTokenOnly")
		ao := openJSONObject(ts.b)
		if a.PrincipalIDClaim != nil {
			ao.string("principalIdClaim", *a.PrincipalIDClaim)
		}
		if len(a.Audiences) > 0 {
			ao.strings("audiences", a.Audiences)
		}
		ts.b = ao.close()
	}
	if id := c.TokenSelection.IdentityTokenOnly; id != nil {
		ts.key("identityTokenOnly")
		ito := openJSONObject(ts.b)
		if id.PrincipalIDClaim != nil {
			ito.string("principalIdClaim", *id.PrincipalIDClaim)
		}
		if len(id.ClientIDs) > 0 {
			ito.strings("clientIds", id.ClientIDs)
		}
		ts.b = ito.close()
	}
	o.b = ts.close()
	return o.close()
}

// SetFlat takes a member of a body that conforms by the schema's shortcut
// (schemas.AcceptFlat), decoding GetIdentitySource's and
// DeleteIdentitySource's common body in the pass that validates it;
// TestFlatDecodeMatchesUnmarshal holds it to json.Unmarshal.
func (in *identitySourceRef) SetFlat(name string, value []byte) bool {
	switch name {
	case "policyStoreId":
		in.PolicyStoreID = string(value)
	case "identitySourceId":
		in.IdentitySourceID = string(value)
	default:
		return false
	}
	return true
}

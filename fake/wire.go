package fake

import (
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
	name := schemas.OperationFromTarget(target)
	switch {
	case target == "":
		return "", nil, &UnknownOperationException{Message: "missing X-Amz-Target header; expected " + schemas.TargetPrefix + "<Operation>"}
	case name == "":
		return "", nil, &UnknownOperationException{Message: fmt.Sprintf("X-Amz-Target %q names no VerifiedPermissions operation; expected %s<Operation>",
			clip(target, maxEchoedTarget), schemas.TargetPrefix)}
	}
	if op, ok := operations[name]; ok {
		return name, op, nil
	}
	if !schemas.IsModelOperation(name) {
		return "", nil, &UnknownOperationException{Message: fmt.Sprintf(
			"VerifiedPermissions has no operation %q (operation names are case-sensitive)", clip(name, maxEchoedTarget))}
	}
	return "", nil, &NotImplementedException{Message: fmt.Sprintf(
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
	depth, inString := 0, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > maxNesting {
				return &SerializationException{Message: fmt.Sprintf("request body nests arrays and objects deeper than %d levels (at offset %d)", maxNesting, i)}
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}

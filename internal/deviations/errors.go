package deviations

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

// Scenario ids of the catalogue that several deviations share.
var (
	// validationScenarios assert a ValidationException's fieldList: the
	// hand-written ones and the generated negatives.
	validationScenarios = []string{
		"GetIdentitySource/Generated/*",
		"UpdateIdentitySource/Generated/*",
		"GetIdentitySource/Validation/IdentitySourceId/BadCharacters",
		"GetIdentitySource/Validation/IdentitySourceId/Empty",
		"GetIdentitySource/Validation/IdentitySourceId/TooLong",
		"GetIdentitySource/Validation/MissingIdentitySourceId",
		"GetIdentitySource/Validation/PolicyStoreId/BadCharacters",
		"GetIdentitySource/Validation/PolicyStoreId/Empty",
		"GetIdentitySource/Validation/PolicyStoreId/TooLong",
		"UpdateIdentitySource/Validation/BothUnionMembers",
		"UpdateIdentitySource/Validation/EmptyAudiences",
		"UpdateIdentitySource/Validation/IdentitySourceIdTooLong",
		"UpdateIdentitySource/Validation/IssuerNotHTTPS",
		"UpdateIdentitySource/Validation/MalformedUserPoolArn",
		"UpdateIdentitySource/Validation/MissingTokenSelection",
		"UpdateIdentitySource/Validation/MissingUpdateConfiguration",
		"UpdateIdentitySource/Validation/NoUnionMember",
		"UpdateIdentitySource/Validation/PolicyStoreIdBadCharacters",
		"UpdateIdentitySource/Validation/TooManyClientIds",
		"UpdateIdentitySource/Validation/UnknownMember",
	}
	// notFoundScenarios expect a ResourceNotFoundException.
	notFoundScenarios = []string{
		"GetIdentitySource/NotFound/AfterDeleteIdentitySource",
		"GetIdentitySource/NotFound/UnknownIdentitySource",
		"GetIdentitySource/NotFound/UnknownPolicyStore",
		"ListIdentitySources/NotFound/UnknownPolicyStore",
		"UpdateIdentitySource/NotFound/UnknownIdentitySource",
		"UpdateIdentitySource/NotFound/UnknownPolicyStore",
	}
)

// withIDs returns the concatenation of the id lists, as a new slice.
func withIDs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func validationExceptionWithoutFieldList() Deviation {
	return Deviation{
		Name:        "validation-exception-without-field-list",
		Description: "A ValidationException answer leaves out fieldList, so it does not name the member that broke a constraint.",
		Evidence:    specs.EvidenceInferred, // fieldList is optional in the model; the kit holds it as advisory
		DetectedBy:  validationScenarios,
		Shows:       `ValidationException\.fieldList: expected a path \S+, got no fieldList path`,
		middleware:  errorWithoutMember("ValidationException", "fieldList"),
	}
}

func conflictExceptionWithoutResources() Deviation {
	return Deviation{
		Name:        "conflict-exception-without-resources",
		Description: "A ConflictException answer leaves out its required resources member.",
		Evidence:    specs.EvidenceModel,
		DetectedBy: []string{
			"CreateIdentitySource/ClientToken/OtherInputConflict", // a real conflict: needs no fault injection
			"UpdateIdentitySource/Fault/ConflictException",
		},
		Shows:      `ConflictException: expected its required member resources, got a body without it: \{.*"message"`,
		middleware: errorWithoutMember("ConflictException", "resources"),
	}
}

func throttlingExceptionStatus400() Deviation {
	return errorStatus400("ThrottlingException", []string{
		"GetIdentitySource/Fault/ThrottlingException",
		"UpdateIdentitySource/Fault/ThrottlingException",
	})
}

func resourceNotFoundExceptionStatus400() Deviation {
	return errorStatus400("ResourceNotFoundException", withIDs(notFoundScenarios, []string{
		"GetIdentitySource/Fault/ResourceNotFoundException",
		"UpdateIdentitySource/Fault/ResourceNotFoundException",
	}))
}

// errorStatus400 is the deviation that answers the error shape with HTTP
// 400 instead of its status in the model (the registry's); detectedBy are
// the scenarios that expect the shape.
func errorStatus400(shape string, detectedBy []string) Deviation {
	status, _ := schemas.ErrorStatus(shape)
	return Deviation{
		Name:        kebabCase(shape) + "-status-400",
		Description: fmt.Sprintf("A %s is answered with HTTP 400 instead of the model's %d.", shape, status),
		Evidence:    specs.EvidenceModel,
		DetectedBy:  detectedBy,
		Shows:       fmt.Sprintf(`expected HTTP %d %s, got HTTP 400 %[2]s`, status, shape),
		middleware:  errorWithStatus(shape, http.StatusBadRequest),
	}
}

// kebabCase spells a shape name such as ResourceNotFoundException in
// kebab-case: resource-not-found-exception.
func kebabCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func notFoundWrongResourceType() Deviation {
	return Deviation{
		Name:        "not-found-wrong-resource-type",
		Description: "A ResourceNotFoundException names the wrong resourceType: IDENTITY_SOURCE for a missing policy store and POLICY_STORE for a missing identity source.",
		Evidence:    specs.EvidenceInferred,
		DetectedBy: withIDs(notFoundScenarios, []string{
			"GetIdentitySource/Fault/ResourceNotFoundException",
			"UpdateIdentitySource/Fault/ResourceNotFoundException",
		}),
		Shows: `resourceType: expected (IDENTITY_SOURCE|POLICY_STORE), got "?(POLICY_STORE|IDENTITY_SOURCE)`,
		middleware: jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
			if a.errorShape() != "ResourceNotFoundException" {
				return false
			}
			switch body["resourceType"] {
			case "POLICY_STORE":
				body["resourceType"] = "IDENTITY_SOURCE"
			case "IDENTITY_SOURCE":
				body["resourceType"] = "POLICY_STORE"
			default:
				return false
			}
			return true
		}),
	}
}

// errorTypeMissing strips both places an awsJson1_0 error names its shape.
// The protocol lets a server name it in the X-Amzn-ErrorType header, the
// body's __type or the body's code; a server that drops only __type but
// keeps the header is still a conforming awsJson1_0 server to every AWS
// SDK. Dropping both is the real deviation: no client can tell which error
// it got (the Go SDK reports an UnknownError), so retries, errors.As and
// error-code checks all break.
func errorTypeMissing() Deviation {
	return Deviation{
		Name:        "error-type-missing",
		Description: "An error answer names no error shape: __type is left out of the body and no X-Amzn-ErrorType header is sent.",
		Evidence:    specs.EvidenceModel,
		DetectedBy: withIDs(validationScenarios, notFoundScenarios, []string{
			"CreateIdentitySource/ClientToken/OtherInputConflict",
			"CreateIdentitySource/Quota/SecondIdentitySource",
		}),
		Shows: `expected HTTP \d{3} \w+Exception, got HTTP \d{3} naming no error code`,
		middleware: answerRewrite(func(_ *call, a *answer) {
			if a.ok() {
				return
			}
			a.header.Del("X-Amzn-ErrorType")
			if m := a.json(); m != nil && dropMember(m, "__type") {
				a.setJSON(m)
			}
		}),
	}
}

func malformedBodyValidationException() Deviation {
	return Deviation{
		Name:        "malformed-body-validation-exception",
		Description: "A request body that is not JSON is refused with ValidationException instead of the protocol's SerializationException.",
		Evidence:    specs.EvidenceInferred, // the model declares no error for it; the kit holds SerializationException as advisory
		DetectedBy:  []string{"UpdateIdentitySource/Validation/MalformedBody"},
		Shows:       `expected SerializationException, got ValidationException`,
		middleware:  errorRenamed("SerializationException", "ValidationException"),
	}
}

// errorWithoutMember builds a middleware that leaves member out of every
// answer naming the error shape.
func errorWithoutMember(shape, member string) func(http.Handler) http.Handler {
	return errorCodeRewrite(func(_ *answer, body map[string]any, named string) bool {
		return named == shape && dropMember(body, member)
	})
}

// errorWithStatus builds a middleware that sends every answer naming the
// error shape with HTTP status instead of its own.
func errorWithStatus(shape string, status int) func(http.Handler) http.Handler {
	return answerRewrite(func(_ *call, a *answer) {
		if a.errorShape() == shape {
			a.status = status
		}
	})
}

// errorRenamed builds a middleware that makes every answer naming the error
// shape from name the shape to instead, wherever it named it: the
// X-Amzn-ErrorType header, the body's __type or both.
func errorRenamed(from, to string) func(http.Handler) http.Handler {
	return answerRewrite(func(_ *call, a *answer) {
		if a.errorShape() != from {
			return
		}
		if a.header.Get("X-Amzn-ErrorType") != "" {
			a.header.Set("X-Amzn-ErrorType", to)
		}
		if m := a.json(); m != nil && m["__type"] != nil {
			m["__type"] = to
			a.setJSON(m)
		}
	})
}

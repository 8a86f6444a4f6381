package fake

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vpconform/vpconform/schemas"
)

// maxReportedViolations is how many violations a ValidationException lists,
// in its message and its fieldList; it says how many more there were.
const maxReportedViolations = 10

// checkInput validates a request body against the operation's input schema
// (package schemas, the project's one statement of the model's
// constraints), as an awsJson1_0 server deserialises then validates it. A
// body that is not a JSON object, or a member of the wrong JSON type (a
// number that is not a 32-bit integer where the model says Integer
// included), is a SerializationException; any other broken constraint is a
// ValidationException naming the first maxReportedViolations offending
// member paths and counting the rest. What it costs follows the schema's
// bounds, not the size of the body (see schemas.ValidateBounded).
func checkInput(op string, body []byte) error {
	err := schemas.ValidateBounded(op, schemas.Input, body, maxReportedViolations)
	if err == nil {
		return nil
	}
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate %s input: %w", op, err)
	}
	for _, v := range ve.Violations {
		switch v.Keyword {
		case "json":
			return &SerializationException{Message: "request body is not a single JSON value: " + clip(v.Message, maxEchoedConstraint)}
		case "type":
			if v.Path() == "" {
				return &SerializationException{Message: "request body must be a JSON object: " + clip(v.Message, maxEchoedConstraint)}
			}
			return &SerializationException{Message: fmt.Sprintf("member '%s' has the wrong JSON type: %s",
				clip(v.Path(), maxEchoedPath), clip(v.Message, maxEchoedConstraint))}
		}
	}
	return validationException(ve.Violations, ve.Omitted)
}

// validationException words violations as AWS words constraint failures
// ("N validation errors detected: Value at 'path' failed to satisfy
// constraint: Member must …"), listing those given and counting omitted
// more. Paths and constraint texts are clipped, so that the answer stays
// small whatever the request.
func validationException(violations []schemas.Violation, omitted int) *ValidationException {
	out := &ValidationException{}
	var clauses []string
	for _, v := range violations {
		path := clip(v.Path(), maxEchoedPath)
		constraint := clip(constraintText(v), maxEchoedConstraint)
		out.FieldList = append(out.FieldList, ValidationExceptionField{Path: path, Message: constraint})
		value := "Value"
		if v.Keyword == "required" {
			value = "Value null"
		}
		clauses = append(clauses, fmt.Sprintf("%s at '%s' failed to satisfy constraint: %s", value, path, constraint))
	}
	total := len(violations) + omitted
	noun := "errors"
	if total == 1 {
		noun = "error"
	}
	out.Message = fmt.Sprintf("%d validation %s detected: %s", total, noun, strings.Join(clauses, "; "))
	if omitted > 0 {
		out.Message += fmt.Sprintf("; and %d more, not listed", omitted)
	}
	return out
}

var (
	quotedInMessage = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)
	firstNumber     = regexp.MustCompile(`\d+`)
)

// constraintText words a violation the way AWS words constraint failures
// ("Member must …"). Values are not echoed: several members are sensitive.
func constraintText(v schemas.Violation) string {
	num := firstNumber.FindString(v.Message)
	switch v.Keyword {
	case "required":
		return "Member must not be null"
	case "additionalProperties":
		return "Member is not a member of this structure"
	case "oneOf":
		return "Member must have exactly one union member set (" + v.Message + ")"
	case "pattern":
		if m := quotedInMessage.FindStringSubmatch(v.Message); m != nil {
			if p, err := strconv.Unquote(`"` + m[1] + `"`); err == nil {
				return "Member must satisfy regular expression pattern: " + p
			}
			return "Member must satisfy regular expression pattern: " + m[1]
		}
	case "minLength", "minItems", "minProperties":
		if num != "" {
			return "Member must have length greater than or equal to " + num
		}
	case "maxLength", "maxItems", "maxProperties":
		if num != "" {
			return "Member must have length less than or equal to " + num
		}
	case "minimum":
		if num != "" {
			return "Member must have value greater than or equal to " + num
		}
	case "maximum":
		if num != "" {
			return "Member must have value less than or equal to " + num
		}
	case "enum":
		return "Member must satisfy enum value set: " + strings.TrimPrefix(v.Message, "value must be one of ")
	}
	return "Member must satisfy its constraint: " + v.Keyword + ": " + v.Message
}

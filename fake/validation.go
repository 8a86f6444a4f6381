package fake

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vpconform/vpconform/schemas"
)

// checkInput validates a request body against the operation's input schema
// (package schemas, the project's one statement of the model's
// constraints). A body that is not a JSON object, or a member of the wrong
// JSON type, is a SerializationException; any other broken constraint is a
// ValidationException naming every offending member path.
func checkInput(op string, body []byte) error {
	err := schemas.Validate(op, schemas.Input, body)
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
			return &SerializationException{Message: "request body is not a single JSON value: " + v.Message}
		case "type":
			if v.Path() == "" {
				return &SerializationException{Message: "request body must be a JSON object: " + v.Message}
			}
			return &SerializationException{Message: fmt.Sprintf("member '%s' has the wrong JSON type: %s", v.Path(), v.Message)}
		}
	}
	out := &ValidationException{}
	var clauses []string
	for _, v := range ve.Violations {
		constraint := constraintText(v)
		out.FieldList = append(out.FieldList, ValidationExceptionField{Path: v.Path(), Message: constraint})
		value := "Value"
		if v.Keyword == "required" {
			value = "Value null"
		}
		clauses = append(clauses, fmt.Sprintf("%s at '%s' failed to satisfy constraint: %s", value, v.Path(), constraint))
	}
	noun := "errors"
	if len(clauses) == 1 {
		noun = "error"
	}
	out.Message = fmt.Sprintf("%d validation %s detected: %s", len(clauses), noun, strings.Join(clauses, "; "))
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

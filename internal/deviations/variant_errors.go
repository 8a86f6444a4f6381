package deviations

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Forms an awsJson1_0 error code may take besides the bare shape name.
const (
	// errorNamespace is the Smithy namespace of the Verified Permissions
	// shapes, the prefix of a namespaced __type ("<namespace>#<Shape>").
	errorNamespace = "com.amazonaws.verifiedpermissions"
	// errorTypeURISuffix follows the shape in the URI form of
	// X-Amzn-ErrorType ("<Shape>:<URI>"), as AWS's Coral services send it.
	errorTypeURISuffix = ":http://internal.amazon.com/coral/com.amazonaws.verifiedpermissions/"
)

// protocolAllowsErrorCode is the Allowed sentence of the error-code
// variants.
const protocolAllowsErrorCode = "The awsJson1_0 protocol lets an error name its shape in the body's __type, in the X-Amzn-ErrorType header or both, " +
	"bare, as namespace#Name or as Name:URI, and every AWS SDK reads each of these forms."

// errorCodeRewrite builds a middleware that lets edit change where and in
// which form every error answer with a JSON object body names its shape
// (shape, bare, as the answer named it); edit reports whether it changed the
// body. An answer naming no shape, or whose body is not a JSON object,
// passes through unchanged.
func errorCodeRewrite(edit func(a *answer, body map[string]any, shape string) bool) func(http.Handler) http.Handler {
	return jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
		shape := a.errorShape()
		if shape == "" {
			return false
		}
		return edit(a, body, shape)
	})
}

// setErrorType sets the body's __type to t and reports whether it changed.
func setErrorType(body map[string]any, t string) bool {
	if body["__type"] == t {
		return false
	}
	body["__type"] = t
	return true
}

// errorCodeVariant is a variant that changes where and in which form
// error answers name their shape, as edit does (see errorCodeRewrite).
func errorCodeVariant(name, description string, edit func(a *answer, body map[string]any, shape string) bool) Variant {
	return Variant{Name: name, Description: description, Allowed: protocolAllowsErrorCode, middleware: errorCodeRewrite(edit)}
}

func errorCodeBodyOnly() Variant {
	return errorCodeVariant("error-code-body-only",
		"An error answer names its shape only in the body's __type, with no X-Amzn-ErrorType header.",
		func(a *answer, body map[string]any, shape string) bool {
			a.header.Del("X-Amzn-ErrorType")
			if t, ok := body["__type"].(string); ok && t != "" {
				return false
			}
			return setErrorType(body, shape)
		})
}

func errorCodeHeaderOnly() Variant {
	return errorCodeVariant("error-code-header-only",
		"An error answer names its shape only in the X-Amzn-ErrorType header, with no __type in the body.",
		func(a *answer, body map[string]any, shape string) bool {
			if a.header.Get("X-Amzn-ErrorType") == "" {
				a.header.Set("X-Amzn-ErrorType", shape)
			}
			return dropMember(body, "__type")
		})
}

func errorCodeNamespaced() Variant {
	return errorCodeVariant("error-code-namespaced",
		"An error answer names its shape only in the body's __type, namespaced as com.amazonaws.verifiedpermissions#Name, with no X-Amzn-ErrorType header.",
		func(a *answer, body map[string]any, shape string) bool {
			a.header.Del("X-Amzn-ErrorType")
			return setErrorType(body, errorNamespace+"#"+shape)
		})
}

func errorCodeHeaderURIForm() Variant {
	return errorCodeVariant("error-code-header-uri-form",
		"An error answer names its shape only in the X-Amzn-ErrorType header, in the form "+
			"Name:http://internal.amazon.com/coral/com.amazonaws.verifiedpermissions/, with no __type in the body.",
		func(a *answer, body map[string]any, shape string) bool {
			a.header.Set("X-Amzn-ErrorType", shape+errorTypeURISuffix)
			return dropMember(body, "__type")
		})
}

// faultControlPath is the control route faults are injected through (POST);
// its body is plain JSON, such as {"operation": …, "error": …, "message": …}.
const faultControlPath = "/_vpfake/faults"

// rewordedMessage is the message messages-reworded sends in place of an
// error's own.
func rewordedMessage(shape, original string) string {
	if shape == "" {
		shape = "error"
	}
	return fmt.Sprintf("vpconform variant: %s (%d chars)", shape, len(original))
}

func messagesReworded() Variant {
	return Variant{
		Name: "messages-reworded",
		Description: "Every error answer's message is replaced by other wording, " +
			"except a message the client chose itself when it injected the fault through POST /_vpfake/faults.",
		Allowed: "An error's message is free text in the model and no client may depend on its wording, " +
			"except where the client itself told the target what to say (fault injection).",
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			chosen := map[string]bool{} // messages injected through the control route
			api := jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
				if a.ok() {
					return false
				}
				msg, ok := body["message"].(string)
				if !ok {
					return false
				}
				mu.Lock()
				keep := chosen[msg]
				mu.Unlock()
				if keep {
					return false
				}
				body["message"] = rewordedMessage(a.errorShape(), msg)
				return true
			})(next)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != faultControlPath || r.Body == nil {
					api.ServeHTTP(w, r)
					return
				}
				// Note the message the client chose, and forward the
				// request with its body as it came.
				body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
				if err == nil && len(body) <= maxBodyBytes {
					if msg, ok := decodeObject(body)["message"].(string); ok && msg != "" {
						mu.Lock()
						chosen[msg] = true
						mu.Unlock()
					}
				}
				next.ServeHTTP(w, r)
			})
		},
	}
}

package deviations

import (
	"net/http"
	"slices"
	"strings"

	"github.com/vpconform/vpconform/specs"
)

// Deviation is one way an emulator can differ from AWS, as an HTTP
// middleware that makes a faithful fake differ in exactly that way.
type Deviation struct {
	// Name identifies the deviation, in kebab-case, such as
	// "validation-exception-without-field-list".
	Name string
	// Description says what the deviating emulator does, in one sentence.
	Description string
	// Evidence is the evidence letter (M, D, O or I) of the behaviour the
	// deviation breaks.
	Evidence specs.Evidence
	// DetectedBy lists the catalogue scenarios aimed at the behaviour the
	// deviation breaks: each must fail, or for an evidence-I behaviour
	// report a deviation, when the deviation is on. An entry is a scenario
	// id, or a prefix ending in "*" standing for every scenario whose id
	// starts with it (such as the generated negatives of an operation).
	DetectedBy []string
	// Shows is a regular expression that the conformance report's row
	// (what differed) of at least one scenario of DetectedBy must match,
	// so that an emulator author can act on it: it spells out the value
	// expected and the value that came back.
	Shows string

	// middleware builds the deviating handler.
	middleware
}

// middleware builds the handler of a deviation or a conforming variant in
// front of next; each call has its own state. Deviation and Variant embed
// it, and a nil one changes nothing.
type middleware func(next http.Handler) http.Handler

// wrap returns h behind m, or h itself when there is no middleware.
func (m middleware) wrap(h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	return m(h)
}

// deviationOrVariant is what Wrap puts in front of a handler.
type deviationOrVariant interface {
	Deviation | Variant
	wrap(h http.Handler) http.Handler
}

// Wrap returns h changed in the one way w, a deviation or a conforming
// variant, describes. Requests that are not Verified Permissions API calls
// (control routes such as /_vpfake/health, other methods, a missing
// X-Amz-Target) pass through untouched, and so does every call w is not
// about. Each call of Wrap has its own state (caches, remembered dates,
// id maps), so two wrapped servers never share it. A zero Deviation or
// Variant changes nothing.
func Wrap[W deviationOrVariant](h http.Handler, w W) http.Handler { return w.wrap(h) }

// All returns every deviation, sorted by name.
func All() []Deviation {
	return sortedByName([]Deviation{
		validationExceptionWithoutFieldList(),
		conflictExceptionWithoutResources(),
		throttlingExceptionStatus400(),
		resourceNotFoundExceptionStatus400(),
		notFoundWrongResourceType(),
		errorTypeMissing(),
		malformedBodyValidationException(),
		timestampsAsEpochNumbers(),
		createdDateChangedByUpdate(),
		lastUpdatedDateNotAdvanced(),
		updateMergesConfiguration(),
		updateIgnored(),
		updateAnswersPrincipalEntityType(),
		deleteIgnored(),
		staleGetAfterUpdate(),
		cognitoDetailsMissing(),
		oidcSourceHasDetails(),
		clientIdsOmitted(),
		principalIdClaimNotDefaulted(),
		principalEntityTypeWrongDefault(),
		cognitoIssuerWrongRegion(),
		userPoolArnPatternNotEnforced(),
		unknownOutputMember(),
		jsonContentType(),
		tokenClientIdsIgnored(),
		tokenMappingKeptAfterUpdate(),
		tokenPrincipalWithoutUserPoolID(),
	}, deviationName)
}

// ByName returns the deviation called name, and whether there is one.
func ByName(name string) (Deviation, bool) {
	return findByName(All(), name, deviationName)
}

func deviationName(d Deviation) string { return d.Name }

// sortedByName sorts all by the name nameOf gives each, and returns it.
func sortedByName[T any](all []T, nameOf func(T) string) []T {
	slices.SortFunc(all, func(a, b T) int { return strings.Compare(nameOf(a), nameOf(b)) })
	return all
}

// findByName returns the element of all that nameOf calls name, and
// whether there is one.
func findByName[T any](all []T, name string, nameOf func(T) string) (T, bool) {
	i := slices.IndexFunc(all, func(x T) bool { return nameOf(x) == name })
	if i < 0 {
		var zero T
		return zero, false
	}
	return all[i], true
}

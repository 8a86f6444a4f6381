package deviations

import (
	"net/http"
	"sort"
)

// Evidence letters, as in the wire-behaviour table of the design: what the
// behaviour a deviation breaks rests on.
const (
	// EvidenceModel is the API model (M).
	EvidenceModel = "M"
	// EvidenceDocs is the AWS documentation (D).
	EvidenceDocs = "D"
	// EvidenceObserved is behaviour observed on AWS by a third party (O).
	EvidenceObserved = "O"
	// EvidenceInferred is inference only (I): the catalogue holds such a
	// behaviour as an advisory expectation and reports a mismatch as a
	// deviation instead of failing.
	EvidenceInferred = "I"
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
	Evidence string
	// DetectedBy lists the ids of catalogue scenarios of which at least one
	// must fail, or for an evidence-I behaviour report a deviation, when the
	// deviation is on.
	DetectedBy []string
	// Shows is a regular expression that the conformance report's row
	// (what differed) of a scenario of DetectedBy that catches the
	// deviation must match, so that an emulator author can act on it: it
	// spells out the value expected and the value that came back.
	Shows string

	// middleware builds the deviating handler in front of next; each call
	// has its own state.
	middleware func(next http.Handler) http.Handler
}

// Wrap returns h made to deviate in the one way d describes. Requests that
// are not Verified Permissions API calls (control routes such as
// /_vpfake/health, other methods, a missing X-Amz-Target) pass through
// untouched, and so does every call the deviation is not about. Each call
// of Wrap has its own state (caches, remembered dates), so two wrapped
// servers never share it. A zero Deviation changes nothing.
func Wrap(h http.Handler, d Deviation) http.Handler {
	if d.middleware == nil {
		return h
	}
	return d.middleware(h)
}

// All returns every deviation, sorted by name.
func All() []Deviation {
	all := []Deviation{
		validationExceptionWithoutFieldList(),
		conflictExceptionWithoutResources(),
		throttlingExceptionStatus400(),
		notFoundWrongResourceType(),
		errorTypeMissing(),
		timestampsAsEpochNumbers(),
		createdDateChangedByUpdate(),
		lastUpdatedDateNotAdvanced(),
		updateMergesConfiguration(),
		staleGetAfterUpdate(),
		cognitoDetailsMissing(),
		oidcSourceHasDetails(),
		clientIdsOmitted(),
		principalIdClaimNotDefaulted(),
		cognitoIssuerWrongRegion(),
		userPoolArnPatternNotEnforced(),
		unknownOutputMember(),
		jsonContentType(),
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// ByName returns the deviation called name, and whether there is one.
func ByName(name string) (Deviation, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Deviation{}, false
}

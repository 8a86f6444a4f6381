package deviations

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vpconform/vpconform/specs"
)

// dateMembers are the timestamp members of the identity-source and
// policy-store outputs.
var dateMembers = []string{"createdDate", "lastUpdatedDate"}

func timestampsAsEpochNumbers() Deviation {
	return Deviation{
		Name:        "timestamps-as-epoch-numbers",
		Description: "Every createdDate and lastUpdatedDate is sent as a number of seconds since the epoch instead of an RFC 3339 date-time string.",
		Evidence:    specs.EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/Dates/RFC3339Strings",
			"GetIdentitySource/Cognito/AllMembers",
			"UpdateIdentitySource/Dates/CreatedDateKept",
			"UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
		},
		Shows:      `expected TimestampFormat to be of type string, got json\.Number.*body \{.*"createdDate":\d`,
		middleware: successRewrite(func(_ *call, body map[string]any) bool { return epochDates(body) }),
	}
}

// epochDates replaces, anywhere in v, each date member holding an RFC 3339
// string by the same instant in epoch seconds, and reports whether it
// changed anything.
func epochDates(v any) bool {
	return rewriteDates(v, func(t time.Time) any {
		return json.Number(strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', -1, 64))
	})
}

// rewriteDates replaces, anywhere in v, each date member holding an RFC
// 3339 string by what to makes of its instant, and reports whether it
// changed anything.
func rewriteDates(v any, to func(time.Time) any) bool {
	return editStrings(v, func(member, s string) any {
		if !slices.Contains(dateMembers, member) {
			return s
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return to(t)
	})
}

func createdDateChangedByUpdate() Deviation {
	return Deviation{
		Name:        "created-date-changed-by-update",
		Description: "UpdateIdentitySource resets createdDate to the time of the update, in its output and in later GetIdentitySource answers.",
		Evidence:    specs.EvidenceObserved,
		DetectedBy: []string{
			"UpdateIdentitySource/Dates/CreatedDateKept",
			"UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
		},
		Shows: `createdDate [^:]*: expected \d{4}-\d\d-\d\dT[\d:.]+Z, got \d{4}-\d\d-\d\dT[\d:.]+Z`,
		middleware: writeMemory(
			// Remembered: the createdDate sent since the update.
			func(c *call, a *answer) (any, bool) {
				if c.Operation != "UpdateIdentitySource" {
					return nil, false
				}
				date := a.json()["lastUpdatedDate"]
				return date, date != nil
			},
			setMember("createdDate")),
	}
}

func lastUpdatedDateNotAdvanced() Deviation {
	return Deviation{
		Name:        "last-updated-date-not-advanced",
		Description: "UpdateIdentitySource leaves lastUpdatedDate at its value before the first update, in its output and in later GetIdentitySource answers.",
		Evidence:    specs.EvidenceObserved,
		DetectedBy:  []string{"UpdateIdentitySource/Dates/LastUpdatedDateAdvances"},
		Shows:       `lastUpdatedDate [^:]*: expected a time after \d{4}-\d\d-\d\dT[\d:.]+Z, got \d{4}-\d\d-\d\dT[\d:.]+Z`,
		middleware: func(next http.Handler) http.Handler {
			frozen := newSourceMemory[any]() // lastUpdatedDate before its first update
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				if key, ok := identitySourceKey(c.Input); ok && c.Operation == "UpdateIdentitySource" {
					if _, known := frozen.recall(key); !known {
						// Read the date the update is about to move.
						if _, before := c.current(next); before["lastUpdatedDate"] != nil {
							frozen.rememberFirst(key, before["lastUpdatedDate"])
						}
					}
				}
				return frozen.rewrite(c, c.forward(next), setMember("lastUpdatedDate"))
			})(next)
		},
	}
}

// setMember is the edit (see sourceMemory.rewrite) that sets the member of
// an identity source to the value remembered.
func setMember(member string) func(src map[string]any, v any) bool {
	return func(src map[string]any, v any) bool {
		src[member] = v
		return true
	}
}

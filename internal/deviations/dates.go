package deviations

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// dateMembers are the timestamp members of the identity-source and
// policy-store outputs.
var dateMembers = []string{"createdDate", "lastUpdatedDate"}

func timestampsAsEpochNumbers() Deviation {
	return Deviation{
		Name:        "timestamps-as-epoch-numbers",
		Description: "Every createdDate and lastUpdatedDate is sent as a number of seconds since the epoch instead of an RFC 3339 date-time string.",
		Evidence:    EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/Dates/RFC3339Strings",
			"GetIdentitySource/Cognito/AllMembers",
			"UpdateIdentitySource/Dates/CreatedDateKept",
			"UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
		},
		Shows: `expected TimestampFormat to be of type string, got json\.Number.*body \{.*"createdDate":\d`,
		middleware: jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
			if !a.ok() {
				return false
			}
			return epochDates(body)
		}),
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
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if s, ok := child.(string); ok && isDateMember(k) {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					if out := to(t); out != child {
						x[k] = out
						changed = true
					}
				}
				continue
			}
			changed = rewriteDates(child, to) || changed
		}
	case []any:
		for _, child := range x {
			changed = rewriteDates(child, to) || changed
		}
	}
	return changed
}

func isDateMember(name string) bool {
	for _, m := range dateMembers {
		if name == m {
			return true
		}
	}
	return false
}

func createdDateChangedByUpdate() Deviation {
	return Deviation{
		Name:        "created-date-changed-by-update",
		Description: "UpdateIdentitySource resets createdDate to the time of the update, in its output and in later GetIdentitySource answers.",
		Evidence:    EvidenceObserved,
		DetectedBy: []string{
			"UpdateIdentitySource/Dates/CreatedDateKept",
			"UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
		},
		Shows: `createdDate [^:]*: expected \d{4}-\d\d-\d\dT[\d:.]+Z, got \d{4}-\d\d-\d\dT[\d:.]+Z`,
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			created := map[string]any{} // identity source key → createdDate sent since the update
			return jsonAnswerRewrite(func(c *call, a *answer, body map[string]any) bool {
				if !a.ok() {
					return false
				}
				mu.Lock()
				defer mu.Unlock()
				switch c.Operation {
				case "UpdateIdentitySource":
					key, ok := identitySourceKey(body)
					if !ok || body["lastUpdatedDate"] == nil {
						return false
					}
					body["createdDate"] = body["lastUpdatedDate"]
					created[key] = body["lastUpdatedDate"]
					return true
				case "GetIdentitySource", "ListIdentitySources":
					changed := false
					for _, src := range identitySourceBodies(c.Operation, body) {
						if key, ok := identitySourceKey(src); ok && created[key] != nil {
							src["createdDate"] = created[key]
							changed = true
						}
					}
					return changed
				}
				return false
			})(next)
		},
	}
}

func lastUpdatedDateNotAdvanced() Deviation {
	return Deviation{
		Name:        "last-updated-date-not-advanced",
		Description: "UpdateIdentitySource leaves lastUpdatedDate at its value before the first update, in its output and in later GetIdentitySource answers.",
		Evidence:    EvidenceObserved,
		DetectedBy:  []string{"UpdateIdentitySource/Dates/LastUpdatedDateAdvances"},
		Shows:       `lastUpdatedDate [^:]*: expected a time after \d{4}-\d\d-\d\dT[\d:.]+Z, got \d{4}-\d\d-\d\dT[\d:.]+Z`,
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			frozen := map[string]any{} // identity source key → lastUpdatedDate before its first update
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				switch c.Operation {
				case "UpdateIdentitySource":
					key, ok := identitySourceKey(c.Input)
					if !ok {
						return c.forward(next)
					}
					mu.Lock()
					_, known := frozen[key]
					mu.Unlock()
					if !known {
						// Read the date the update is about to move.
						if before := c.sideCall(next, "GetIdentitySource", c.getInput()); before.ok() {
							if m := before.json(); m != nil && m["lastUpdatedDate"] != nil {
								mu.Lock()
								if _, known := frozen[key]; !known {
									frozen[key] = m["lastUpdatedDate"]
								}
								mu.Unlock()
							}
						}
					}
					return freezeDates(c.forward(next), c.Operation, &mu, frozen)
				case "GetIdentitySource", "ListIdentitySources":
					return freezeDates(c.forward(next), c.Operation, &mu, frozen)
				}
				return c.forward(next)
			})(next)
		},
	}
}

// freezeDates sets the lastUpdatedDate of every identity source in a
// success answer to its frozen value, when it has one.
func freezeDates(a *answer, op string, mu *sync.Mutex, frozen map[string]any) *answer {
	if !a.ok() {
		return a
	}
	body := a.json()
	if body == nil {
		return a
	}
	srcs := identitySourceBodies(op, body)
	if op == "UpdateIdentitySource" {
		srcs = []map[string]any{body}
	}
	mu.Lock()
	defer mu.Unlock()
	changed := false
	for _, src := range srcs {
		if key, ok := identitySourceKey(src); ok && frozen[key] != nil {
			src["lastUpdatedDate"] = frozen[key]
			changed = true
		}
	}
	if changed {
		a.setJSON(body)
	}
	return a
}

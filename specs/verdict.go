package specs

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// How a failed scenario says what went wrong. Every failure message is one
// line saying what was expected and what came back, with the values; the
// root cause, when the kit knows it, is recorded apart (report entry
// causeEntry) in words that do not depend on the scenario, such as
// "UpdateIdentitySource answers HTTP 400 InvalidAction", so that the report
// can group every scenario a single fault broke.

// maxBodyInMessage bounds how much of a body a failure message quotes.
const maxBodyInMessage = 300

// recordCause records cause as the root cause of the current spec's
// failure, unless the spec has failed already or one is recorded: the first
// fault found is the root, what fails after it (cleanups, schema checks)
// follows from it.
func recordCause(cause string) {
	if cause == "" {
		return
	}
	r := CurrentSpecReport()
	if r.Failed() {
		return
	}
	for _, e := range r.ReportEntries {
		if e.Name == causeEntry {
			return
		}
	}
	AddReportEntry(causeEntry, cause, ReportEntryVisibilityNever)
}

// failWith records cause (when not "") and fails the spec with message,
// through Gomega, so that a caller intercepting Gomega failures
// (InterceptGomegaFailure) sees it like any other.
func failWith(cause, message string) {
	GinkgoHelper()
	recordCause(cause)
	Expect(nil).To(failure{message})
}

// failure is a Gomega matcher that never matches and whose failure message
// is exactly its own, so that the kit's one-line messages reach the report
// as written.
type failure struct{ message string }

// Match never matches.
func (f failure) Match(any) (bool, error) { return false, nil }

// FailureMessage is the message.
func (f failure) FailureMessage(any) string { return f.message }

// NegatedFailureMessage is the message.
func (f failure) NegatedFailureMessage(any) string { return f.message }

// clip shortens s to at most n bytes, marking the cut, and puts it on one
// line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// answer is the error (or success) an SDK call ended with, as a client sees
// it: HTTP status, error code and message; for a call that got no answer,
// the transport error.
type answer struct {
	status  int
	code    string
	message string
	// transport is set when no HTTP answer came back.
	transport error
	// unreadable is set when the SDK could not read the answer.
	unreadable string
}

// answerOf reads err, the result of an SDK call.
func answerOf(err error) answer {
	if err == nil {
		return answer{status: 200}
	}
	var a answer
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		a.status = re.HTTPStatusCode()
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		a.code, a.message = apiErr.ErrorCode(), strings.TrimSpace(apiErr.ErrorMessage())
		return a
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		a.unreadable = de.Error()
		return a
	}
	if a.status == 0 {
		a.transport = err
	}
	return a
}

// String renders the answer on one line: "HTTP 200", "HTTP 400
// InvalidAction: its message", "no answer: dial tcp …: connection refused".
func (a answer) String() string {
	switch {
	case a.transport != nil:
		return "no answer: " + clip(a.transport.Error(), maxBodyInMessage)
	case a.unreadable != "":
		return fmt.Sprintf("HTTP %d that the SDK cannot read: %s", a.status, clip(a.unreadable, maxBodyInMessage))
	case a.code == "" && a.status < 300:
		return fmt.Sprintf("HTTP %d", a.status)
	case a.code == "":
		return fmt.Sprintf("HTTP %d naming no error code", a.status)
	case a.message == "":
		return fmt.Sprintf("HTTP %d %s", a.status, a.code)
	default:
		return fmt.Sprintf("HTTP %d %s: %s", a.status, a.code, clip(a.message, maxBodyInMessage))
	}
}

// cause is how the answer reads as a root cause of operation op's failure,
// without the values that differ from scenario to scenario (the message).
func (a answer) cause(op string) string {
	switch {
	case a.transport != nil:
		return op + " gets no answer: " + transportReason(a.transport)
	case a.unreadable != "":
		return fmt.Sprintf("%s answers HTTP %d with a body the SDK cannot read", op, a.status)
	case a.code == "" && a.status < 300:
		return fmt.Sprintf("%s answers HTTP %d", op, a.status)
	case a.code == "":
		return fmt.Sprintf("%s answers HTTP %d naming no error code", op, a.status)
	default:
		return fmt.Sprintf("%s answers HTTP %d %s", op, a.status, a.code)
	}
}

// transportReason is the last part of a transport error, which says what
// went wrong ("connection refused") without the URL and request details
// before it.
func transportReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return clip(msg, 120)
}

// recordedAnswer is the answer of a recorded exchange, read from the wire:
// status, the error shape it names and its message.
func recordedAnswer(x *exchangeRecord) answer {
	a := answer{status: x.Status}
	if x.Status >= 300 {
		a.code = errorShapeOf(x.Status, x.Header, x.ResponseBody)
		if m, err := decodeJSONObject(x.ResponseBody); err == nil {
			a.message, _ = m["message"].(string)
		} else {
			a.message = "body: " + string(x.ResponseBody)
		}
	}
	return a
}

// answerOf is how the call of op that returned err ended: read from the
// wire when an answer came back (the newest recorded exchange of op, the
// call just made), so that an error code the SDK could not read shows as
// missing rather than as the SDK's "UnknownError".
func (s *session) answerOf(op string, err error) answer {
	a := answerOf(err)
	if err == nil || a.transport != nil {
		return a
	}
	x := s.transport.lastOf(op)
	switch {
	case x == nil:
	case a.unreadable != "":
		a.unreadable += " (body " + clip(string(x.ResponseBody), maxBodyInMessage) + ")"
	default:
		a = recordedAnswer(x)
	}
	return a
}

// mustSucceed fails the spec when err, the result of calling op for the
// given purpose ("setup: CreatePolicyStore", "the update"), is not nil,
// saying what came back; the root cause is op's answer.
func (s *session) mustSucceed(err error, op, purpose string) {
	GinkgoHelper()
	if err == nil {
		return
	}
	a := s.answerOf(op, err)
	failWith(a.cause(op), fmt.Sprintf("%s: expected %s to succeed, got %s", purpose, op, a))
}

// mustHave fails the spec when a member op's successful answer must carry is
// missing or empty.
func (s *session) mustHave(ok bool, op, member, purpose string) {
	GinkgoHelper()
	if ok {
		return
	}
	got := "an answer without it"
	if x, found := s.lastExchange(op); found {
		got = fmt.Sprintf("HTTP %d without it: %s", x.Status, clip(string(x.ResponseBody), maxBodyInMessage))
	}
	failWith(fmt.Sprintf("%s answers HTTP 200 without %s", op, member),
		fmt.Sprintf("%s: expected %s's answer to carry %s, got %s", purpose, op, member, got))
}

// rfc3339 renders a time for a failure message.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// jsonText renders v as compact JSON for a failure message, clipped.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b), maxBodyInMessage)
}

package specs

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/vpconform/vpconform/schemas"
)

// exchangeRecord is one recorded request and response.
type exchangeRecord struct {
	schemas.Exchange
	// deliberate marks a request a negative scenario sent knowing that it
	// breaks the input schema; it is checked to fail CheckRequest instead of
	// to pass it.
	deliberate bool
	// protocolError marks a request the model declares no error for (a
	// body that is not JSON, a missing or wrong signature): the answer may
	// name an error shape outside this API, as long as it names one.
	protocolError bool
	// poll and attempt say which polling loop, and which attempt of it,
	// sent the request (0: none); see polled.
	poll, attempt int
}

// validatingTransport is an aws.HTTPClient that forwards every request to
// next and records it, with its response, as a schemas.Exchange. The checks
// themselves run after the spec (session.exchangeProblems), so that a
// scenario sees exactly what the target answered.
type validatingTransport struct {
	next aws.HTTPClient
	log  *exchangeLog
}

// exchangeLog is the record of exchanges, shared by the transports of one
// session.
type exchangeLog struct {
	mu      sync.Mutex
	records []*exchangeRecord
	// polls counts the polling loops started; poll and attempt are those
	// of the attempt under way (0 outside any).
	polls, poll, attempt int
}

func newValidatingTransport(next aws.HTTPClient) *validatingTransport {
	if next == nil {
		next = http.DefaultClient
	}
	return &validatingTransport{next: next, log: &exchangeLog{}}
}

// sharing returns a transport forwarding to next (a default client when
// nil) that records into the same log as t.
func (t *validatingTransport) sharing(next aws.HTTPClient) *validatingTransport {
	if next == nil {
		next = http.DefaultClient
	}
	return &validatingTransport{next: next, log: t.log}
}

// Do sends req through the wrapped client and records the exchange. Bodies
// are read fully and replaced, so neither side notices the recording.
func (t *validatingTransport) Do(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("specs: read request body of %s: %w", req.Header.Get("X-Amz-Target"), err)
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := t.next.Do(req)
	if err != nil {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("specs: read response body of %s: %w", req.Header.Get("X-Amz-Target"), err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	t.log.mu.Lock()
	t.log.records = append(t.log.records, &exchangeRecord{Exchange: schemas.Exchange{
		Operation:    schemas.OperationFromTarget(req.Header.Get("X-Amz-Target")),
		RequestBody:  reqBody,
		Status:       resp.StatusCode,
		Header:       resp.Header.Clone(),
		ResponseBody: respBody,
	}, poll: t.log.poll, attempt: t.log.attempt})
	t.log.mu.Unlock()
	return resp, nil
}

// all returns the records so far, oldest first.
func (t *validatingTransport) all() []*exchangeRecord {
	t.log.mu.Lock()
	defer t.log.mu.Unlock()
	return append([]*exchangeRecord(nil), t.log.records...)
}

// last returns the newest record, or nil.
func (t *validatingTransport) last() *exchangeRecord {
	t.log.mu.Lock()
	defer t.log.mu.Unlock()
	if len(t.log.records) == 0 {
		return nil
	}
	return t.log.records[len(t.log.records)-1]
}

// lastOf returns the newest record of operation op, or nil.
func (t *validatingTransport) lastOf(op string) *exchangeRecord {
	t.log.mu.Lock()
	defer t.log.mu.Unlock()
	for i := len(t.log.records) - 1; i >= 0; i-- {
		if t.log.records[i].Operation == op {
			return t.log.records[i]
		}
	}
	return nil
}

// newPoll starts a polling loop and returns its number.
func (l *exchangeLog) newPoll() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.polls++
	return l.polls
}

// startAttempt marks the exchanges recorded from now on as the next attempt
// of polling loop poll; stopAttempt ends the marking.
func (l *exchangeLog) startAttempt(poll int, attempt int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.poll, l.attempt = poll, attempt
}

func (l *exchangeLog) stopAttempt() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.poll, l.attempt = 0, 0
}

package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// AnyOperation is the Fault.Operation (and rate-limit operation) that
// matches every operation the fake serves.
const AnyOperation = "*"

// Fault makes calls of an operation fail with a declared error. Faults are
// deterministic: a fault fires on the calls it names, never at random.
//
// A fault fires after the operation is identified and the caller
// authenticated and authorised (see WithCredentials), before the request body
// is checked against its schema and before any state is read or changed: a
// faulted call has no effect.
type Fault struct {
	// Operation is the operation to fail, such as "UpdateIdentitySource",
	// or "*" (AnyOperation) for every operation the fake serves.
	Operation string
	// Error is the error shape to answer with, one of FaultErrors:
	// ThrottlingException, InternalServerException, ConflictException,
	// AccessDeniedException, ServiceQuotaExceededException,
	// ResourceNotFoundException or ValidationException. An error the
	// operation does not declare in the model (a
	// ServiceQuotaExceededException from UpdateIdentitySource, say) reaches
	// an SDK as a generic API error with that code rather than as the typed
	// error.
	Error string
	// Count is how many of the next matching calls fail; 0 means every
	// matching call until the fault is cleared.
	Count int
	// Delay is how long to wait before answering with the error. The wait
	// ends early when the request is cancelled, and for every call at once
	// when EndDelays is called (Close calls it).
	Delay time.Duration
	// Message is the error's message; empty means a default for the error,
	// which names the fault. It is at most 4,096 bytes, or as
	// WithMaxFaultMessageBytes says.
	Message string
	// ServiceCode and QuotaCode are sent with a ThrottlingException or a
	// ServiceQuotaExceededException when set; each is at most 256 bytes.
	ServiceCode string
	// QuotaCode: see ServiceCode.
	QuotaCode string
	// Resources are the resources a ConflictException names. By default it
	// names the identity source named in the request (IDENTITY_SOURCE), else
	// its policy store (POLICY_STORE), else none. The first of Resources is
	// also the resource a ResourceNotFoundException or
	// ServiceQuotaExceededException names, with the same default. At most
	// 10, each with a ResourceID of at most 200 bytes.
	Resources []ResourceConflict
}

// faultErrors are the error shapes a Fault may answer with.
var faultErrors = []string{
	"ThrottlingException",
	"InternalServerException",
	"ConflictException",
	"AccessDeniedException",
	"ServiceQuotaExceededException",
	"ResourceNotFoundException",
	"ValidationException",
}

// FaultErrors lists the error shapes a Fault may answer with (Fault.Error
// and the "error" member of POST /_vpfake/faults), in a stable order.
func FaultErrors() []string {
	return slices.Clone(faultErrors)
}

// resourceTypes are the model's ResourceType values.
var resourceTypes = []ResourceType{
	ResourceTypeIdentitySource, ResourceTypePolicyStore,
	"POLICY", "POLICY_TEMPLATE", "SCHEMA", "POLICY_STORE_ALIAS",
}

// checkOperation reports an operation name that is neither served nor "*".
func checkOperation(op string) error {
	if op == AnyOperation {
		return nil
	}
	if _, ok := operations[op]; !ok {
		return fmt.Errorf("unknown operation %q: want %q or one of %s", op, AnyOperation, strings.Join(servedOperations(), ", "))
	}
	return nil
}

// check reports what makes the fault unusable; maxMessage bounds its
// message.
func (f Fault) check(maxMessage int) error {
	if err := checkOperation(f.Operation); err != nil {
		return err
	}
	if !slices.Contains(faultErrors, f.Error) {
		return fmt.Errorf("unknown error %q: want one of %s", f.Error, strings.Join(faultErrors, ", "))
	}
	if f.Count < 0 {
		return fmt.Errorf("negative count %d: want 0 (every call) or more", f.Count)
	}
	if f.Delay < 0 {
		return fmt.Errorf("negative delay %s", f.Delay)
	}
	if n := len(f.Message); n > maxMessage {
		return fmt.Errorf("message of %d bytes: the limit is %d (WithMaxFaultMessageBytes, vpfake -max-fault-message-bytes)", n, maxMessage)
	}
	if n := len(f.ServiceCode); n > maxFaultCodeBytes {
		return fmt.Errorf("serviceCode of %d bytes: the limit is %d", n, maxFaultCodeBytes)
	}
	if n := len(f.QuotaCode); n > maxFaultCodeBytes {
		return fmt.Errorf("quotaCode of %d bytes: the limit is %d", n, maxFaultCodeBytes)
	}
	if n := len(f.Resources); n > maxFaultResources {
		return fmt.Errorf("%d resources: the limit is %d", n, maxFaultResources)
	}
	for i, r := range f.Resources {
		if r.ResourceID == "" {
			return fmt.Errorf("resources[%d]: empty resourceId", i)
		}
		if n := len(r.ResourceID); n > maxFaultResourceIDSize {
			return fmt.Errorf("resources[%d]: resourceId of %d bytes: the limit is %d", i, n, maxFaultResourceIDSize)
		}
		if !slices.Contains(resourceTypes, r.ResourceType) {
			return fmt.Errorf("resources[%d]: unknown resourceType %q", i, r.ResourceType)
		}
	}
	return nil
}

// activeFault is an injected fault and how many more calls it fails.
type activeFault struct {
	id        string
	fault     Fault
	remaining int // meaningful only when fault.Count > 0
}

// rateLimit is a token bucket over the server's clock.
type rateLimit struct {
	operation string
	perSecond float64
	burst     int
	tokens    float64
	last      time.Time
}

// checkRateLimit reports what makes a rate limit unusable.
func checkRateLimit(operation string, perSecond float64, burst int) error {
	if err := checkOperation(operation); err != nil {
		return err
	}
	if math.IsNaN(perSecond) || math.IsInf(perSecond, 0) || perSecond < 0 {
		return fmt.Errorf("rate limit of %s: perSecond %v is not a finite number ≥ 0", operation, perSecond)
	}
	if burst < 1 {
		return fmt.Errorf("rate limit of %s: burst %d is less than 1", operation, burst)
	}
	return nil
}

// refill adds the tokens earned since the last call, up to burst. A clock
// that went backwards earns nothing.
func (l *rateLimit) refill(now time.Time) {
	if elapsed := now.Sub(l.last); elapsed > 0 {
		l.tokens = min(float64(l.burst), l.tokens+elapsed.Seconds()*l.perSecond)
	}
	l.last = now
}

// quotaCode names the rate limit in a ThrottlingException: "L-RATE-" and the
// operation in upper case, or "L-RATE-ALL" for "*".
func (l *rateLimit) quotaCode() string {
	if l.operation == AnyOperation {
		return "L-RATE-ALL"
	}
	return "L-RATE-" + strings.ToUpper(l.operation)
}

// faultSet holds the injected faults and rate limits.
type faultSet struct {
	// armed is len(faults)+len(limits), kept under mu, read without it:
	// a call finds nothing to decide, the common case, without the lock.
	armed      atomic.Int64
	mu         sync.Mutex
	now        func() time.Time
	maxFaults  int
	maxMessage int
	nextID     int
	faults     []*activeFault
	limits     []*rateLimit
}

func newFaultSet(now func() time.Time, l limits) *faultSet {
	return &faultSet{now: now, maxFaults: l.faults, maxMessage: l.faultMessageBytes}
}

// len is how many faults are held.
func (fs *faultSet) len() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.faults)
}

// inject adds a fault after the others and returns its id, "fault-<n>".
func (fs *faultSet) inject(f Fault) (string, error) {
	if err := f.check(fs.maxMessage); err != nil {
		return "", err
	}
	f.Resources = slices.Clone(f.Resources)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.faults) >= fs.maxFaults {
		return "", fmt.Errorf("%d faults are held already, the limit (WithMaxFaults, vpfake -max-faults): clear them (DELETE /_vpfake/faults) or wait for counted ones to be used up", len(fs.faults))
	}
	fs.nextID++
	id := fmt.Sprintf("fault-%d", fs.nextID)
	fs.faults = append(fs.faults, &activeFault{id: id, fault: f, remaining: f.Count})
	fs.rearm()
	return id, nil
}

// setRateLimit adds or replaces the rate limit of an operation; the bucket
// starts full.
func (fs *faultSet) setRateLimit(operation string, perSecond float64, burst int) error {
	if err := checkRateLimit(operation, perSecond, burst); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	l := &rateLimit{operation: operation, perSecond: perSecond, burst: burst, tokens: float64(burst), last: fs.now()}
	for i, old := range fs.limits {
		if old.operation == operation {
			fs.limits[i] = l
			return nil
		}
	}
	fs.limits = append(fs.limits, l)
	fs.rearm()
	return nil
}

// rearm sets armed from the faults and limits held; fs.mu is held.
func (fs *faultSet) rearm() { fs.armed.Store(int64(len(fs.faults) + len(fs.limits))) }

// clear forgets every fault and rate limit and restarts fault ids.
func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults, fs.limits, fs.nextID = nil, nil, 0
	fs.rearm()
}

// decision is what the fault set decided for one call.
type decision struct {
	fault   *Fault // the fault that fired, or nil
	faultID string
	limit   *rateLimit // the rate limit that was exceeded, or nil
}

// decide looks for the first fault, in injection order, that matches op; a
// counted fault is used up by the call and dropped when it reaches zero.
// Without one, it takes a token from every rate limit that applies to op, or
// reports the first whose bucket is empty.
func (fs *faultSet) decide(op string) decision {
	if fs.armed.Load() == 0 {
		return decision{}
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, af := range fs.faults {
		if af.fault.Operation != AnyOperation && af.fault.Operation != op {
			continue
		}
		f := af.fault
		if f.Count > 0 {
			af.remaining--
			if af.remaining <= 0 {
				fs.faults = slices.Delete(fs.faults, i, i+1)
				fs.rearm()
			}
		}
		return decision{fault: &f, faultID: af.id}
	}
	if len(fs.limits) == 0 {
		return decision{}
	}
	now := fs.now()
	var applied []*rateLimit
	for _, l := range fs.limits {
		if l.operation != AnyOperation && l.operation != op {
			continue
		}
		l.refill(now)
		if l.tokens < 1 {
			return decision{limit: l}
		}
		applied = append(applied, l)
	}
	for _, l := range applied {
		l.tokens--
	}
	return decision{}
}

// faultStatus is a fault as the control route lists it.
type faultStatus struct {
	faultJSON
	ID        string `json:"id"`
	Remaining int    `json:"remaining"`
}

// rateLimitJSON is a rate limit as the control routes read and list it.
type rateLimitJSON struct {
	Operation string  `json:"operation"`
	PerSecond float64 `json:"perSecond"`
	Burst     int     `json:"burst"`
}

// list returns the faults, in injection order, and the rate limits, in the
// order they were first set. A fault that fails every call has remaining 0,
// like its count.
func (fs *faultSet) list() ([]faultStatus, []rateLimitJSON) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	faults := make([]faultStatus, 0, len(fs.faults))
	for _, af := range fs.faults {
		faults = append(faults, faultStatus{faultJSON: toFaultJSON(af.fault), ID: af.id, Remaining: af.remaining})
	}
	limits := make([]rateLimitJSON, 0, len(fs.limits))
	for _, l := range fs.limits {
		limits = append(limits, rateLimitJSON{Operation: l.operation, PerSecond: l.perSecond, Burst: l.burst})
	}
	return faults, limits
}

// faultJSON is a Fault as the control routes read and list it.
type faultJSON struct {
	Operation   string             `json:"operation"`
	Error       string             `json:"error"`
	Count       int                `json:"count"`
	DelayMs     int64              `json:"delayMs"`
	Message     string             `json:"message"`
	ServiceCode string             `json:"serviceCode"`
	QuotaCode   string             `json:"quotaCode"`
	Resources   []ResourceConflict `json:"resources"`
}

func toFaultJSON(f Fault) faultJSON {
	resources := f.Resources
	if resources == nil {
		resources = []ResourceConflict{}
	}
	return faultJSON{
		Operation: f.Operation, Error: f.Error, Count: f.Count, DelayMs: f.Delay.Milliseconds(),
		Message: f.Message, ServiceCode: f.ServiceCode, QuotaCode: f.QuotaCode, Resources: resources,
	}
}

// maxFaultDelay bounds Fault.Delay as set through the control route, so that
// a typo cannot hold requests for days.
const maxFaultDelay = time.Hour

func (j faultJSON) fault() (Fault, error) {
	if j.DelayMs < 0 || j.DelayMs > maxFaultDelay.Milliseconds() {
		return Fault{}, fmt.Errorf("delayMs %d is outside 0…%d", j.DelayMs, maxFaultDelay.Milliseconds())
	}
	return Fault{
		Operation: j.Operation, Error: j.Error, Count: j.Count, Delay: time.Duration(j.DelayMs) * time.Millisecond,
		Message: j.Message, ServiceCode: j.ServiceCode, QuotaCode: j.QuotaCode, Resources: j.Resources,
	}, nil
}

// requestRef is what an injected error or an AccessDeniedException may name
// from the request body: its policy store and identity source ids, if any.
type requestRef struct {
	PolicyStoreID    string `json:"policyStoreId"`
	IdentitySourceID string `json:"identitySourceId"`
}

// refOf reads the ids from a body that has not been validated yet; a body
// that does not decode names nothing. As the body is not validated, each id
// is clipped to maxEchoedID. It decodes the body: the request path calls it
// only for the error it answers with.
func refOf(body []byte) requestRef {
	var ref requestRef
	if err := json.Unmarshal(body, &ref); err != nil {
		return requestRef{}
	}
	ref.PolicyStoreID = clip(ref.PolicyStoreID, maxEchoedID)
	ref.IdentitySourceID = clip(ref.IdentitySourceID, maxEchoedID)
	return ref
}

// defaultResources are the resources an injected error names by default.
func (ref requestRef) defaultResources() []ResourceConflict {
	switch {
	case ref.IdentitySourceID != "":
		return []ResourceConflict{{ResourceID: ref.IdentitySourceID, ResourceType: ResourceTypeIdentitySource}}
	case ref.PolicyStoreID != "":
		return []ResourceConflict{{ResourceID: ref.PolicyStoreID, ResourceType: ResourceTypePolicyStore}}
	default:
		return []ResourceConflict{}
	}
}

// faultError builds the error an injected fault answers with. principal is
// the caller named by an AccessDeniedException.
func faultError(f Fault, id, op string, ref requestRef, principal, account string) Error {
	msg := func(def string) string {
		if f.Message != "" {
			return f.Message
		}
		return fmt.Sprintf("%s (injected by the vpconform fake: %s)", def, id)
	}
	resources := f.Resources
	if resources == nil {
		resources = ref.defaultResources()
	}
	first := ResourceConflict{ResourceType: ResourceTypePolicyStore}
	if len(resources) > 0 {
		first = resources[0]
	}
	switch f.Error {
	case "ThrottlingException":
		return &ThrottlingException{Message: msg("Rate exceeded"), ServiceCode: f.ServiceCode, QuotaCode: f.QuotaCode}
	case "ConflictException":
		return &ConflictException{Message: msg("The request conflicts with another request in progress"), Resources: resources}
	case "AccessDeniedException":
		ad := accessDenied(principal, op, ref, account)
		ad.Message = msg(ad.Message)
		return ad
	case "ServiceQuotaExceededException":
		return &ServiceQuotaExceededException{
			Message: msg("Service quota exceeded"), ResourceID: first.ResourceID, ResourceType: first.ResourceType,
			ServiceCode: f.ServiceCode, QuotaCode: f.QuotaCode,
		}
	case "ResourceNotFoundException":
		return &ResourceNotFoundException{Message: msg("Resource not found"), ResourceID: first.ResourceID, ResourceType: first.ResourceType}
	case "ValidationException":
		return &ValidationException{Message: msg("1 validation error detected")}
	default: // InternalServerException; check has rejected anything else
		return &InternalServerException{Message: msg("Internal server error")}
	}
}

// throttled is the ThrottlingException for an exceeded rate limit.
func throttled(l *rateLimit, op string) Error {
	return &ThrottlingException{
		Message:     fmt.Sprintf("Rate exceeded for %s (vpconform fake rate limit of %s: %g per second, burst %d)", op, l.operation, l.perSecond, l.burst),
		ServiceCode: serviceCode,
		QuotaCode:   l.quotaCode(),
	}
}

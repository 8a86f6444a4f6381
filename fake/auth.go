package fake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signingService is the SigV4 service name of Verified Permissions.
const signingService = "verifiedpermissions"

// amzDateLayout is the layout of the X-Amz-Date header.
const amzDateLayout = "20060102T150405Z"

// authenticator verifies SigV4 signatures and IAM actions against a fixed
// set of credentials.
type authenticator struct {
	region, account string
	creds           map[string]*knownCredential
	// signer recomputes the signature of a request the fast path
	// (signature) does not canonicalise itself; see verify.
	signer *v4.Signer
	// signingClock, when set (SetSigningClock), is the clock X-Amz-Date is
	// checked against instead of the server's.
	signingClock atomic.Pointer[func() time.Time]
}

// SetSigningClock sets the clock a request's X-Amz-Date is checked against
// (a signature more than 15 minutes from it is refused) and that the Date
// header of API responses reports. By default it is the server's clock,
// WithClock's. A server whose clock is fixed, so that the dates it writes
// do not move, while its clients sign with the real time, calls
// SetSigningClock(time.Now). nil restores the default. Without
// WithCredentials it does nothing. It is safe to call while requests are
// served.
func (s *Server) SetSigningClock(now func() time.Time) {
	if s.auth == nil {
		return
	}
	if now == nil {
		s.auth.signingClock.Store(nil)
		return
	}
	s.auth.signingClock.Store(&now)
}

func newAuthenticator(creds []Credential, region, account string) *authenticator {
	a := &authenticator{region: region, account: account, creds: map[string]*knownCredential{}, signer: v4.NewSigner()}
	for _, c := range creds {
		c.Allow = slices.Clone(c.Allow)
		k := &knownCredential{Credential: c, allow: make([]string, len(c.Allow))}
		// Credential.allows matches case-insensitively by lowering both
		// sides; the patterns are lowered once here.
		for i, pattern := range c.Allow {
			k.allow[i] = strings.ToLower(pattern)
		}
		a.creds[c.AccessKeyID] = k
	}
	return a
}

// knownCredential is a credential the authenticator accepts, with what
// requests signed by it reuse: its Allow patterns in lower case. (The SDK's
// signer, which verify uses, caches the derived signing keys itself.)
type knownCredential struct {
	Credential
	allow []string
}

// sigV4 is a parsed SigV4 Authorization header and X-Amz-Date.
type sigV4 struct {
	accessKeyID   string
	scopeDate     string
	region        string
	service       string
	signedHeaders string // as sent: names separated by ";"
	signature     string
	amzDate       string // X-Amz-Date as sent, trimmed
	signingTime   time.Time
}

// signedHeaderNames are the names of SignedHeaders, in the order sent.
func (s sigV4) signedHeaderNames() iter.Seq[string] {
	return strings.SplitSeq(s.signedHeaders, ";")
}

// signs reports whether name is among SignedHeaders.
func (s sigV4) signs(name string) bool {
	for signed := range s.signedHeaderNames() {
		if signed == name {
			return true
		}
	}
	return false
}

// isScopeDate reports whether s is eight ASCII digits (yyyymmdd).
func isScopeDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSignature reports whether s is 64 lowercase hexadecimal digits.
func isSignature(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isSignedHeaderName reports whether s is a lowercase header name: one or
// more of a-z, 0-9 and !#$%&'*+.^_|~- (the token characters of RFC 9110
// without upper case).
func isSignedHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+.^_|~-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// requiredSignedHeaders must be among a request's SignedHeaders: host and
// the date, as AWS requires; and X-Amz-Target, which names the operation,
// so that a request signed for one operation cannot be sent as another.
// Each comes with how a message names it.
var requiredSignedHeaders = []struct{ name, display string }{
	{"host", "'Host' or ':authority'"},
	{"x-amz-date", "'X-Amz-Date'"},
	{"x-amz-target", "'X-Amz-Target'"},
}

// clockSkewWindow is how far X-Amz-Date may be from the server's clock, in
// either direction.
const clockSkewWindow = 15 * time.Minute

// parseSigV4 reads the Authorization header and X-Amz-Date. Anything
// missing or malformed is an IncompleteSignatureException naming it (every
// required signed header missing from SignedHeaders at once); no
// Authorization header at all is a MissingAuthenticationTokenException.
func parseSigV4(h http.Header) (sigV4, error) {
	auth := strings.TrimSpace(h.Get("Authorization"))
	if auth == "" {
		return sigV4{}, &MissingAuthenticationTokenException{Message: "Missing Authentication Token"}
	}
	incomplete := func(format string, args ...any) error {
		return &IncompleteSignatureException{Message: fmt.Sprintf(format, args...)}
	}
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigV4{}, incomplete("Authorization header must start with the algorithm AWS4-HMAC-SHA256 followed by a space")
	}
	// The parameters are comma-separated name=value pairs, each trimmed;
	// a name given twice means its last value; a part without "=" is
	// ignored.
	var credential, signedHeaders, signature string
	for more := true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",")
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	if credential == "" || signedHeaders == "" || signature == "" {
		var missing []string
		for _, p := range []struct{ name, value string }{{"Credential", credential}, {"SignedHeaders", signedHeaders}, {"Signature", signature}} {
			if p.value == "" {
				missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", p.name))
			}
		}
		return sigV4{}, incomplete("%s", strings.Join(missing, " "))
	}
	// <access key id>/<yyyymmdd>/<region>/<service>/aws4_request: five
	// parts, four slashes.
	var s sigV4
	var terminal string
	scope := credential
	s.accessKeyID, scope, _ = strings.Cut(scope, "/")
	s.scopeDate, scope, _ = strings.Cut(scope, "/")
	s.region, scope, _ = strings.Cut(scope, "/")
	s.service, terminal, _ = strings.Cut(scope, "/")
	if strings.Count(credential, "/") != 4 || s.accessKeyID == "" || !isScopeDate(s.scopeDate) || s.region == "" || s.service == "" || terminal != "aws4_request" {
		return sigV4{}, incomplete("Authorization header's Credential must be <access key id>/<yyyymmdd>/<region>/%s/aws4_request", signingService)
	}
	s.signature = signature
	if !isSignature(s.signature) {
		return sigV4{}, incomplete("Authorization header's Signature must be 64 lowercase hexadecimal digits")
	}
	s.signedHeaders = signedHeaders
	for name := range s.signedHeaderNames() {
		if !isSignedHeaderName(name) {
			return sigV4{}, incomplete("Authorization header's SignedHeaders must be lowercase header names separated by ';'")
		}
	}
	var missing []string
	for _, required := range requiredSignedHeaders {
		if !s.signs(required.name) {
			missing = append(missing, required.display+" must be a 'SignedHeader' in the AWS Authorization.")
		}
	}
	if len(missing) > 0 {
		return sigV4{}, incomplete("%s", strings.Join(missing, " "))
	}
	s.amzDate = strings.TrimSpace(h.Get("X-Amz-Date"))
	if s.amzDate == "" {
		return sigV4{}, incomplete("Authorization header requires existence of a 'X-Amz-Date' header.")
	}
	t, err := parseAmzDate(s.amzDate)
	if err != nil {
		return sigV4{}, incomplete("X-Amz-Date must be an ISO 8601 basic date-time such as 20240812T182050Z")
	}
	s.signingTime = t
	return s, nil
}

// lastAmzDate is the X-Amz-Date parsed last, with its time: the requests
// signed within a second all carry the same one.
var lastAmzDate atomic.Pointer[struct {
	text string
	t    time.Time
}]

// parseAmzDate is time.Parse(amzDateLayout, text), parsing each text once
// as long as the requests repeat it.
func parseAmzDate(text string) (time.Time, error) {
	if last := lastAmzDate.Load(); last != nil && last.text == text {
		return last.t, nil
	}
	t, err := time.Parse(amzDateLayout, text)
	if err != nil {
		return time.Time{}, err
	}
	lastAmzDate.Store(&struct {
		text string
		t    time.Time
	}{strings.Clone(text), t})
	return t, nil
}

// authenticate checks the request's headers as AWS does, in this order:
// a complete SigV4 Authorization (parseSigV4) whose signed headers are all
// present; a credential scope for this service, the server's Region and the
// date of X-Amz-Date; X-Amz-Date within 15 minutes of now, the server's
// clock; a known access key; and the credential's session token, if any, in
// X-Amz-Security-Token (and none sent otherwise). It returns the parsed
// signature, to be verified against the body by verify, and the credential.
//
// Evidence. The scope and date checks answer InvalidSignatureException with
// AWS's own wording, as seen from AWS's JSON services (C): "Credential
// should be scoped to correct service: '<service>'. " (DynamoDB, EMR,
// SageMaker), "Credential should be scoped to a valid region, not
// '<region>'. ", "Date in Credential scope does not match YYYYMMDD from
// ISO-8601 version of date from HTTP: '<scope>' != '<date>', from
// '<X-Amz-Date>'.", and "Signature expired: <X-Amz-Date> is now earlier than
// <now - 15 min> (<now> - 15 min.)" / "Signature not yet current:
// <X-Amz-Date> is still later than <now + 15 min> (<now> + 15 min.)" with a
// 15-minute window (DynamoDB, ECR; other services use 5 minutes). A signed
// header the request lacks is AppSync's wording (C). That Verified
// Permissions answers the same, the order of the checks, and requiring
// X-Amz-Target among the signed headers are inferred (I).
func (a *authenticator) authenticate(r *http.Request, now time.Time) (sigV4, *knownCredential, error) {
	sig, err := parseSigV4(r.Header)
	if err != nil {
		return sigV4{}, nil, err
	}
	for name := range sig.signedHeaderNames() {
		if !hasHeader(r, name) {
			return sigV4{}, nil, &IncompleteSignatureException{Message: fmt.Sprintf(
				"'%s' is named as a SignedHeader, but it does not exist in the HTTP request.", clip(name, maxEchoedTarget))}
		}
	}
	if err := a.checkScope(sig, now); err != nil {
		return sigV4{}, nil, err
	}
	cred, ok := a.creds[sig.accessKeyID]
	if !ok {
		return sigV4{}, nil, invalidToken()
	}
	token, sent := r.Header["X-Amz-Security-Token"]
	switch {
	case cred.SessionToken == "" && sent:
		return sigV4{}, nil, invalidToken()
	case cred.SessionToken != "" && (len(token) != 1 || subtle.ConstantTimeCompare([]byte(token[0]), []byte(cred.SessionToken)) != 1):
		return sigV4{}, nil, invalidToken()
	}
	return sig, cred, nil
}

// invalidToken is AWS's answer to an unknown access key or a session token
// that does not belong to it.
func invalidToken() error {
	return &UnrecognizedClientException{Message: "The security token included in the request is invalid."}
}

// hasHeader reports whether the request carries the header a SignedHeaders
// entry names. Go moves Host and Content-Length out of the header map.
func hasHeader(r *http.Request, name string) bool {
	switch name {
	case "host":
		return r.Host != "" || r.URL.Host != ""
	case "content-length":
		return r.ContentLength >= 0
	}
	_, ok := headerValues(r.Header, name)
	return ok
}

// headerValues looks up the header a SignedHeaders entry (a lowercase
// name) names, under the canonical key net/http stores it by.
func headerValues(h http.Header, name string) ([]string, bool) {
	var buf [64]byte
	values, ok := h[string(appendCanonicalKey(buf[:0], name))]
	return values, ok
}

// appendCanonicalKey appends the canonical form of a lowercase header name
// (isSignedHeaderName), as http.CanonicalHeaderKey writes it: upper case at
// the start and after each hyphen. It allocates only for names longer than
// dst's capacity.
func appendCanonicalKey(dst []byte, name string) []byte {
	upper := true
	for i := range len(name) {
		c := name[i]
		if upper && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

// checkScope checks the credential scope (service, Region, date) and the
// age of X-Amz-Date against now. Each failure is an
// InvalidSignatureException with AWS's wording; see authenticate for the
// evidence.
func (a *authenticator) checkScope(sig sigV4, now time.Time) error {
	invalid := func(format string, args ...any) error {
		return &InvalidSignatureException{Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case sig.service != signingService:
		// AWS's message ends with a space after the full stop.
		return invalid("Credential should be scoped to correct service: '%s'. ", signingService)
	case sig.region != a.region:
		return invalid("Credential should be scoped to a valid region, not '%s'. ", clip(sig.region, maxEchoedTarget))
	case sig.scopeDate != sig.amzDate[:len("20060102")]: // what signingTime.Format("20060102") writes: X-Amz-Date parsed as amzDateLayout
		return invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sig.scopeDate, sig.signingTime.Format("20060102"), sig.amzDate)
	}
	now = now.UTC()
	if earliest := now.Add(-clockSkewWindow); sig.signingTime.Before(earliest) {
		return invalid("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			sig.amzDate, earliest.Format(amzDateLayout), now.Format(amzDateLayout))
	}
	if latest := now.Add(clockSkewWindow); sig.signingTime.After(latest) {
		return invalid("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			sig.amzDate, latest.Format(amzDateLayout), now.Format(amzDateLayout))
	}
	return nil
}

// signatureMismatch is the message of an InvalidSignatureException for a
// signature that does not match.
const signatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// verify recomputes the signature with the AWS SDK for Go v2's own signer
// (sdkSignature) and compares it with the one sent, in constant time. The
// scope was checked by authenticate, so the Region is the server's and the
// service signingService.
func (a *authenticator) verify(r *http.Request, body []byte, sig sigV4, cred *knownCredential) error {
	want, err := a.sdkSignature(r, body, sig, cred.Credential)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig.signature)) == 1 {
		return nil
	}
	return &InvalidSignatureException{Message: signatureMismatch}
}

// signedCopy is the request sdkSignature hands the signer: a copy of the
// client's request with only the headers it signed. Copies are reused
// (signedCopies), their header map and URL cleared between requests.
type signedCopy struct {
	req http.Request
	url url.URL
}

var signedCopies = sync.Pool{New: func() any { return &signedCopy{req: http.Request{Header: http.Header{}}} }}

// sdkSignature recomputes the signature with the AWS SDK's own signer, on
// a copy of the request that carries only the headers the client signed.
//
// The copy keys each header by its name as SignedHeaders gives it, in
// lower case, not in net/http's canonical form. The signer signs every
// header of the request but those it never signs when it signs a request
// of its own (Authorization, User-Agent, X-Amzn-Trace-Id, Expect,
// Transfer-Encoding), which it recognises by their canonical keys. A
// client may sign those too: AWS checks the signature over the headers
// SignedHeaders names, whichever they are, so the copy must make the
// signer sign them as well. (The signer lower-cases each key itself, and
// so need not make a lower-case copy of keys that already are.) Two
// headers are not copied: Host and Content-Length, which net/http keeps
// out of the header map and the signer takes from the request's Host and
// ContentLength; and X-Amz-Date, which the signer writes itself from the
// signing time, parsed from that header (under its canonical key: a
// lower-case copy beside it would be signed twice).
func (a *authenticator) sdkSignature(r *http.Request, body []byte, sig sigV4, cred Credential) (string, error) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	c := signedCopies.Get().(*signedCopy)
	defer func() {
		clear(c.req.Header)
		header := c.req.Header
		c.req, c.url = http.Request{Header: header}, url.URL{}
		signedCopies.Put(c)
	}()
	c.url = url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	c.req.Method, c.req.URL, c.req.Host = r.Method, &c.url, host
	cp := &c.req
	for name := range sig.signedHeaderNames() {
		switch name {
		case "host", "content-length", "x-amz-date":
			continue
		}
		values, _ := headerValues(r.Header, name) // authenticate checked it is there
		// Capped, so that the signer, should it append to the copy's
		// values, never writes into the request's.
		cp.Header[name] = values[:len(values):len(values)]
	}
	if sig.signs("content-length") {
		cp.ContentLength = r.ContentLength
		if cp.ContentLength < 0 {
			cp.ContentLength = int64(len(body))
		}
	}
	sum := sha256.Sum256(body)
	// No SessionToken here: the signer would add X-Amz-Security-Token to the
	// copy, which already has it when the client signed it.
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey}
	if err := a.signer.SignHTTP(r.Context(), creds, cp, hex.EncodeToString(sum[:]), signingService, sig.region, sig.signingTime); err != nil {
		return "", fmt.Errorf("recompute the SigV4 signature: %w", err)
	}
	var authorization string
	if v := cp.Header["Authorization"]; len(v) > 0 {
		authorization = v[0]
	}
	_, want, _ := strings.Cut(authorization, "Signature=")
	return want, nil
}

// authorise checks that the credential allows verifiedpermissions:<op>. The
// ids an AccessDeniedException names are read from the body only when the
// call is denied.
func (a *authenticator) authorise(cred *knownCredential, op string, body []byte) error {
	action := iamActions[op]
	if action == "" { // not a served operation: resolveTarget refused it first
		action = strings.ToLower(signingService + ":" + op)
	}
	for _, pattern := range cred.allow {
		if wildcardMatch(pattern, action) {
			return nil
		}
	}
	return accessDenied(cred.principal(a.account), op, refOf(body), a.account)
}

// iamActions are the IAM actions of the served operations, in lower case as
// Credential.allows matches them: "verifiedpermissions:getidentitysource".
var iamActions = func() map[string]string {
	m := make(map[string]string, len(operations))
	for op := range operations {
		m[op] = strings.ToLower(signingService + ":" + op)
	}
	return m
}()

// accessDenied is the AccessDeniedException for a caller denied an
// operation on the policy store the request names.
func accessDenied(principal, op string, ref requestRef, account string) *AccessDeniedException {
	store := clip(ref.PolicyStoreID, maxEchoedID)
	if op == "CreatePolicyStore" || store == "" {
		store = "*"
	}
	return &AccessDeniedException{Message: fmt.Sprintf(
		"User: %s is not authorized to perform: %s:%s on resource: arn:aws:verifiedpermissions::%s:policy-store/%s",
		principal, signingService, op, account, store)}
}

// unverifiedPrincipal names the caller of a request whose signature is not
// verified, for an injected AccessDeniedException: the default principal of
// the access key id in its Authorization header, if any.
func unverifiedPrincipal(h http.Header, account string) string {
	_, rest, _ := strings.Cut(h.Get("Authorization"), "Credential=")
	akid, _, _ := strings.Cut(rest, "/")
	if akid == "" || strings.ContainsAny(akid, ", ") {
		akid = "anonymous"
	}
	return defaultPrincipal(account, clip(akid, maxEchoedID))
}

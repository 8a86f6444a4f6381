package fake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/vpconform/vpconform/schemas"
)

// jsonStrings are the strings randomJSONValue fills string members with:
// plain ones and every kind json.Marshal escapes.
var jsonStrings = []string{
	"", "a", "us-east-1_1a2b3c4d5", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
	"<script>&amp;</script>", "line\u2028sep\u2029", "\xff\xfeinvalid", "quote\"back\\slash", "\n\t\x01\x1f",
	"ünïcödé", "\x7f", "日本語", "https://auth.example.com/", "sub", "MyCorp::User",
}

// randomJSONValue fills v (a pointer) with random members: each string one
// of jsonStrings, each pointer nil or set, each slice nil, empty or of up
// to three elements. A kind it does not know fails the test, so that a
// member added to a shape of unknown kind is not silently left out.
func randomJSONValue(t *testing.T, rng *rand.Rand, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(jsonStrings[rng.IntN(len(jsonStrings))])
	case reflect.Pointer:
		if rng.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		randomJSONValue(t, rng, v.Elem())
	case reflect.Slice:
		switch n := rng.IntN(5); n {
		case 0:
			v.SetZero()
		default:
			v.Set(reflect.MakeSlice(v.Type(), n-1, n-1))
			for i := range n - 1 {
				randomJSONValue(t, rng, v.Index(i))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			randomJSONValue(t, rng, v.Field(i))
		}
	default:
		t.Fatalf("randomJSONValue: %s has a member of kind %s it cannot fill; teach it, and appendJSON, that kind", v.Type(), v.Kind())
	}
}

// TestAppendJSONMatchesMarshal holds the outputs that encode themselves
// (jsonAppender) to json.Marshal's bytes, for random values of every
// member, escapes included.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	for _, typ := range []reflect.Type{
		reflect.TypeFor[identitySourceOutput](),
		reflect.TypeFor[writeIdentitySourceOutput](),
		reflect.TypeFor[listIdentitySourcesOutput](),
	} {
		if !typ.Implements(reflect.TypeFor[jsonAppender]()) {
			t.Fatalf("%s does not implement jsonAppender", typ)
		}
		for i := range 3000 {
			v := reflect.New(typ)
			randomJSONValue(t, rng, v.Elem())
			want, err := json.Marshal(v.Elem().Interface())
			if err != nil {
				t.Fatalf("%s #%d: json.Marshal: %v", typ, i, err)
			}
			if got := v.Elem().Interface().(jsonAppender).appendJSON([]byte("x")); !bytes.Equal(got, append([]byte("x"), want...)) {
				t.Fatalf("%s #%d: appendJSON wrote\n%s\nwant json.Marshal's, after x,\n%s", typ, i, got, want)
			}
			if i%100 == 0 { // through writeJSON, whose buffers are reused
				w := httptest.NewRecorder()
				writeJSON(w, http.StatusOK, v.Elem().Interface())
				if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) {
					t.Fatalf("%s #%d: writeJSON answered HTTP %d\n%s\nwant 200 and json.Marshal's\n%s", typ, i, w.Code, w.Body, want)
				}
			}
		}
	}
	// Any other output goes through json.Marshal.
	w := httptest.NewRecorder()
	writeJSON(w, http.StatusOK, createPolicyStoreOutput{PolicyStoreID: "<id>"})
	if want := `{"policyStoreId":"\u003cid\u003e","arn":"","createdDate":"","lastUpdatedDate":""}`; w.Body.String() != want {
		t.Errorf("writeJSON(createPolicyStoreOutput) wrote %s, want %s", w.Body, want)
	}
}

// TestOutputJSONMatchesOutput holds identitySource.appendOutputJSON, which
// GetIdentitySource answers with, to the output value's appendJSON and to
// json.Marshal of it, over random identity sources: Cognito ones with ARNs
// well formed or not (an issuer of characters JSON escapes too) and OIDC
// ones, with dates across the years timestamp formats.
func TestOutputJSONMatchesOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	arns := append([]string{
		"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
		"arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_X",
		"arn:a:b:<re&gion>:acct:userpool/\u2028é", "arn:a:b:c", "arn:a:b:region:acct:pool",
	}, jsonStrings...)
	stamps := []stamp{0, 1, -1, stampOf(time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)),
		stampOf(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), stampOf(time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC))}
	for i := range 3000 {
		is := &identitySource{
			id:                  jsonStrings[rng.IntN(len(jsonStrings))],
			policyStoreID:       jsonStrings[rng.IntN(len(jsonStrings))],
			principalEntityType: jsonStrings[rng.IntN(len(jsonStrings))],
			created:             stamp(rng.Int64N(1 << 52)),
			updated:             stamps[rng.IntN(len(stamps))],
		}
		if rng.IntN(3) == 0 { // never updated: the same date twice
			is.updated = is.created
		}
		switch rng.IntN(3) {
		case 0:
			c := &cognitoUserPoolConfiguration{UserPoolArn: arns[rng.IntN(len(arns))]}
			randomJSONValue(t, rng, reflect.ValueOf(&c.ClientIDs).Elem())
			randomJSONValue(t, rng, reflect.ValueOf(&c.GroupConfiguration).Elem())
			is.configuration.Cognito = c
		case 1:
			var c openIDConnectConfiguration
			randomJSONValue(t, rng, reflect.ValueOf(&c).Elem())
			is.configuration.OIDC = &c
		}
		want, err := json.Marshal(is.output())
		if err != nil {
			t.Fatalf("#%d: json.Marshal: %v", i, err)
		}
		if got := is.appendOutputJSON([]byte("x")); !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("#%d: appendOutputJSON wrote\n%s\nwant json.Marshal's of output(), after x,\n%s", i, got, want)
		}
	}
}

// TestHTTPDate checks the cached Date header against formatting each time,
// across second boundaries, backwards and in other zones.
func TestHTTPDate(t *testing.T) {
	base := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 3600))
	for _, d := range []time.Duration{0, 999 * time.Millisecond, time.Second, 1500 * time.Millisecond, -time.Nanosecond, -time.Hour, 0, 24 * time.Hour} {
		at := base.Add(d)
		if got, want := httpDateHeader(at), at.UTC().Format(http.TimeFormat); len(got) != 1 || got[0] != want {
			t.Errorf("httpDateHeader(%s) = %q, want [%q]", at, got, want)
		}
	}
}

// TestReadBody checks readBody against io.ReadAll over the same limit, with
// Content-Length true, false and unknown, into no buffer, a small one and
// one that held a larger body before, and a reader that fails.
func TestReadBody(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 5000} {
		body := bytes.Repeat([]byte("x"), size)
		for _, declared := range []int64{-1, 0, int64(size), int64(size) + 10, int64(size) / 2, maxBodyBytes + 5} {
			for _, dst := range [][]byte{nil, make([]byte, 0, 3), bytes.Repeat([]byte("y"), 6000)} {
				r := &http.Request{Body: io.NopCloser(iotest.HalfReader(bytes.NewReader(body))), ContentLength: declared}
				got, err := readBody(r, dst)
				if err != nil || !bytes.Equal(got, body) {
					t.Errorf("size %d, Content-Length %d, into %d of %d bytes: readBody = %d bytes, %v; want %d bytes, nil",
						size, declared, len(dst), cap(dst), len(got), err, size)
				}
			}
		}
	}
	boom := errors.New("boom")
	r := &http.Request{Body: io.NopCloser(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom))), ContentLength: 10}
	if got, err := readBody(r, nil); !errors.Is(err, boom) || string(got) != "abc" {
		t.Errorf("failing reader: readBody = %q, %v; want \"abc\", %v", got, err, boom)
	}
	r = &http.Request{Body: io.NopCloser(bytes.NewReader(make([]byte, maxBodyBytes+100))), ContentLength: -1}
	if got, err := readBody(r, nil); err != nil || len(got) != maxBodyBytes+1 {
		t.Errorf("oversized body: readBody = %d bytes, %v; want %d, nil", len(got), err, maxBodyBytes+1)
	}
}

// TestSignedRequestsOfEveryShape checks, end to end, that requests of the
// shapes a signer may send are verified: signed for
// a path and a query, and with a header name in lower case (unsigned), each
// as signed and with a signed header changed after signing.
func TestSignedRequestsOfEveryShape(t *testing.T) {
	cred := Credential{AccessKeyID: "AKIDSLOW", SecretAccessKey: "slow-secret", Allow: []string{"*"}}
	srv := NewServer(WithoutListener(), WithCredentials(cred))
	defer srv.Close()
	const body = `{"policyStoreId":"PSEXAMPLEabcdefg111111"}`
	for _, target := range []string{"http://vpfake.invalid/some/path", "http://vpfake.invalid/?b=2&a=1", "http://vpfake.invalid/"} {
		for _, tamper := range []bool{false, true} {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetPolicyStore")
			req.Header.Set("X-Custom", "v")
			sum := sha256.Sum256([]byte(body))
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey},
				req, hex.EncodeToString(sum[:]), signingService, "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			req.Header["x-lower"] = []string{"not canonical"}
			if tamper {
				req.Header.Set("X-Custom", "changed")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code := resp.Header.Get("X-Amzn-ErrorType")
			switch want := "ResourceNotFoundException"; {
			case tamper:
				want = "InvalidSignatureException"
				fallthrough
			default:
				if code != want {
					t.Errorf("%s, tampered %v: HTTP %d %s (%s), want %s", target, tamper, resp.StatusCode, code, answer, want)
				}
			}
		}
	}
}

// parseSigV4Reference is parseSigV4 as it was, with regular expressions, a
// map and strings.Split, kept to hold the allocation-free parser to it;
// only its signedHeaders is now the string sent, as parseSigV4 keeps it.
func parseSigV4Reference(h http.Header) (sigV4, error) {
	var (
		scopeDatePattern = regexp.MustCompile(`^\d{8}$`)
		signaturePattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
		headerName       = regexp.MustCompile(`^[a-z0-9!#$%&'*+.^_|~-]+$`)
	)
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
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			params[k] = v
		}
	}
	var missing []string
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if params[k] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", k))
		}
	}
	if len(missing) > 0 {
		return sigV4{}, incomplete("%s", strings.Join(missing, " "))
	}
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" || !scopeDatePattern.MatchString(scope[1]) || scope[2] == "" || scope[3] == "" || scope[4] != "aws4_request" {
		return sigV4{}, incomplete("Authorization header's Credential must be <access key id>/<yyyymmdd>/<region>/%s/aws4_request", signingService)
	}
	s := sigV4{accessKeyID: scope[0], scopeDate: scope[1], region: scope[2], service: scope[3], signature: params["Signature"]}
	if !signaturePattern.MatchString(s.signature) {
		return sigV4{}, incomplete("Authorization header's Signature must be 64 lowercase hexadecimal digits")
	}
	signedHeaders := strings.Split(params["SignedHeaders"], ";")
	s.signedHeaders = params["SignedHeaders"]
	for _, name := range signedHeaders {
		if !headerName.MatchString(name) {
			return sigV4{}, incomplete("Authorization header's SignedHeaders must be lowercase header names separated by ';'")
		}
	}
	missing = missing[:0]
	for _, required := range requiredSignedHeaders {
		if !slices.Contains(signedHeaders, required.name) {
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
	t, err := time.Parse(amzDateLayout, s.amzDate)
	if err != nil {
		return sigV4{}, incomplete("X-Amz-Date must be an ISO 8601 basic date-time such as 20240812T182050Z")
	}
	s.signingTime = t
	return s, nil
}

// sigV4Seeds are Authorization headers, valid and broken in each way the
// parser tells apart.
var sigV4Seeds = []string{
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request,SignedHeaders=content-type;host;x-amz-date;x-amz-target,Signature=" + strings.Repeat("0f", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=Host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/2024081/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request/x, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=/20240812//verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("AB", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc",
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
	"AWS4-HMAC-SHA256 Credential=A/1/2/3/4, Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32) + ", junk",
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + strings.Repeat("ab", 32) + ", Signature=",
	"AWS4-HMAC-SHA256 Credential=AKID/２０240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target;ü, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target;a`b, Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256 Credential==x=/20240812/r/s/aws4_request , SignedHeaders = host , Signature=" + strings.Repeat("ab", 32),
	"AWS4-HMAC-SHA256",
	"AWS4-HMAC-SHA256 ",
	"AWS4-HMAC-SHA1 Credential=AKID/20240812/us-east-1/verifiedpermissions/aws4_request",
	"  ",
	"",
}

// amzDateSeeds are X-Amz-Date values for the seeds.
var amzDateSeeds = []string{"20240812T182050Z", " 20240812T182050Z ", "", "2024-08-12T18:20:50Z", "20241312T182050Z", "20240812T182050"}

// TestParseAmzDate holds parseAmzDate, which remembers the X-Amz-Date it
// parsed last, to time.Parse over a sequence of dates repeated, changed,
// malformed (which must not be remembered) and repeated again.
func TestParseAmzDate(t *testing.T) {
	for _, text := range []string{"20240812T182050Z", "20240812T182050Z", "20240812T182051Z", "20240812T1820Z", "20240812T182051Z",
		"2024-08-12T18:20:51Z", "20240812T182051Z", "20241301T000000Z", "20240812T182050Z", "", "20240812T182050Z"} {
		want, wantErr := time.Parse(amzDateLayout, text)
		got, err := parseAmzDate(text)
		if (err != nil) != (wantErr != nil) || !got.Equal(want) {
			t.Errorf("parseAmzDate(%q) = %v, %v; want time.Parse's %v, %v", text, got, err, want, wantErr)
		}
	}
}

// TestParseSigV4MatchesReference holds parseSigV4 to the parser it
// replaced, on the seeds with each date and on random changes of them.
func TestParseSigV4MatchesReference(t *testing.T) {
	check := func(t *testing.T, auth, date string) {
		t.Helper()
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		if date != "" {
			h.Set("X-Amz-Date", date)
		}
		got, gotErr := parseSigV4(h)
		want, wantErr := parseSigV4Reference(h)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || fmt.Sprintf("%T", gotErr) != fmt.Sprintf("%T", wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("Authorization %q, X-Amz-Date %q:\nparseSigV4 = %+v, %T %v\nreference  = %+v, %T %v", auth, date, got, gotErr, gotErr, want, wantErr, wantErr)
		}
	}
	for _, auth := range sigV4Seeds {
		for _, date := range amzDateSeeds {
			check(t, auth, date)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("AWS4-HMAC-SHA256 Credential=/,;=SignedHeaders Signature0123456789abcdefXYZ_ \t")
	for range 20000 {
		b := mutateBytes(rng, []byte(sigV4Seeds[rng.IntN(len(sigV4Seeds))]), alphabet, 1+rng.IntN(4))
		check(t, string(b), amzDateSeeds[rng.IntN(len(amzDateSeeds))])
	}
}

// FuzzParseSigV4 holds parseSigV4 to the parser it replaced.
func FuzzParseSigV4(f *testing.F) {
	for i, auth := range sigV4Seeds {
		f.Add(auth, amzDateSeeds[i%len(amzDateSeeds)])
	}
	f.Fuzz(func(t *testing.T, auth, date string) {
		h := http.Header{"Authorization": {auth}, "X-Amz-Date": {date}}
		got, gotErr := parseSigV4(h)
		want, wantErr := parseSigV4Reference(h)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("Authorization %q, X-Amz-Date %q:\nparseSigV4 = %+v, %v\nreference  = %+v, %v", auth, date, got, gotErr, want, wantErr)
		}
	})
}

// TestHeaderNameChecks holds the hand-written checks of header names to
// the rules they replaced: isSignedHeaderName to its regular expression,
// appendCanonicalKey and isCanonicalHeaderKey to http.CanonicalHeaderKey.
func TestHeaderNameChecks(t *testing.T) {
	headerName := regexp.MustCompile(`^[a-z0-9!#$%&'*+.^_|~-]+$`)
	var names []string
	for c := range 256 {
		names = append(names, string(rune(c)), "a"+string(byte(c)), "x-"+string(byte(c))+"b")
	}
	names = append(names, "", "host", "x-amz-date", "x-amz-security-token", "content-type", "a--b", "-a", "a-", "X-Amz-Date", "x_amz", "a`b")
	for _, name := range names {
		if got, want := isSignedHeaderName(name), headerName.MatchString(name); got != want {
			t.Errorf("isSignedHeaderName(%q) = %v, want %v", name, got, want)
		}
		if isSignedHeaderName(name) {
			if got, want := string(appendCanonicalKey(nil, name)), http.CanonicalHeaderKey(name); got != want {
				t.Errorf("appendCanonicalKey(%q) = %q, want %q", name, got, want)
			}
		}
	}
}

// TestErrorEnvelopeMatchesMap holds the error envelope, split and sorted
// by appendErrorEnvelope, to the map it replaced, for random members of
// every error shape, and for objects it leaves to the map.
func TestErrorEnvelopeMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	all := []Error{
		&ValidationException{}, &AccessDeniedException{}, &ResourceNotFoundException{},
		&ConflictException{}, &ServiceQuotaExceededException{}, &ThrottlingException{},
		&InternalServerException{}, &InvalidStateException{}, &SerializationException{},
		&UnknownOperationException{}, &NotImplementedException{},
		&MissingAuthenticationTokenException{}, &IncompleteSignatureException{},
		&UnrecognizedClientException{}, &InvalidSignatureException{},
	}
	for _, fe := range all {
		for i := range 500 {
			randomJSONValue(t, rng, reflect.ValueOf(fe).Elem())
			members, err := json.Marshal(fe)
			if err != nil {
				t.Fatalf("%s: json.Marshal: %v", fe.ErrorCode(), err)
			}
			want, err := errorEnvelopeViaMap(members, fe.ErrorCode())
			if err != nil {
				t.Fatalf("%s: errorEnvelopeViaMap: %v", fe.ErrorCode(), err)
			}
			got, ok := appendErrorEnvelope(nil, members, fe.ErrorCode())
			if !ok || !bytes.Equal(got, want) {
				t.Fatalf("%s #%d: appendErrorEnvelope = %s, %v; want the map's %s, true", fe.ErrorCode(), i, got, ok, want)
			}
			if got, err := errorBody(fe); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s #%d: errorBody = %s, %v; want %s, nil", fe.ErrorCode(), i, got, err, want)
			}
		}
	}
	for _, members := range []string{
		`{}`, `{"b":1,"a":{"x":[1,{"y":"}"}]},"c":"\"}"}`, `{"__type":"Own","z":null}`,
	} {
		want, err := errorEnvelopeViaMap([]byte(members), "Code")
		got, ok := appendErrorEnvelope(nil, []byte(members), "Code")
		if err != nil || !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: appendErrorEnvelope = %s, %v; want the map's %s (%v)", members, got, ok, want, err)
		}
	}
	for _, members := range []string{`{"a\"b":1}`, `{"a":1,"a":2}`, `[]`, `{"a":1`, `{"a":1,}`, `{"a":}`, `{"a" :1}`, `{"a":1}x`} {
		if got, ok := appendErrorEnvelope(nil, []byte(members), "Code"); ok {
			t.Errorf("%s: appendErrorEnvelope = %s, true; want it left to the map", members, got)
		}
	}
}

// flatDecodeSeeds are bodies of GetIdentitySource and DeleteIdentitySource:
// the first two conform and are decoded by the schemas' shortcut
// (schemas.AcceptFlat with identitySourceRef.SetFlat), the others are left
// to the whole validator and json.Unmarshal, or refused.
var flatDecodeSeeds = []string{
	`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111"}`,
	" \t\r\n{ \"identitySourceId\" : \"b\" ,\n\"policyStoreId\":\"a\" } \n",
	`{}`, ` { } `, `{"policyStoreId":"a"}`, `{"policyStoreId":"a","policyStoreId":"b","identitySourceId":"c"}`,
	`{"PolicyStoreId":"a"}`, `{"policyStoreId":"a\u0041"}`, `{"policyStoreId":"<a>&"}`, `{"policyStoreId":"ü"}`,
	`{"policyStoreId":null}`, `{"policyStoreId":1}`, `{"policyStoreId":"a",}`, `{"policyStoreId":"a"}x`,
	`{"policyStoreId":"a"}{}`, `{"policyStoreId" "a"}`, `{"other":"x"}`, `[]`, `"a"`, ``, `{`, `{"a`, "{\"policyStoreId\":\"a\x01\"}",
}

// checkFlatDecode holds the shortcut's decoding to json.Unmarshal for one
// body, for both operations: when the shortcut takes the body, it must
// conform and json.Unmarshal must decode it to the same value.
func checkFlatDecode(t *testing.T, body []byte) bool {
	t.Helper()
	taken := false
	for _, op := range []string{"GetIdentitySource", "DeleteIdentitySource"} {
		var fast identitySourceRef
		if !schemas.AcceptFlat(op, schemas.Input, body, &fast) {
			continue
		}
		taken = true
		if err := schemas.ValidateBounded(op, schemas.Input, body, 10); err != nil {
			t.Fatalf("%s %q: the shortcut took a body the schema refuses: %v", op, body, err)
		}
		var want identitySourceRef
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("%s %q: the shortcut decoded %+v, but json.Unmarshal refuses it: %v", op, body, fast, err)
		}
		if fast != want {
			t.Fatalf("%s %q: the shortcut decoded %+v, json.Unmarshal %+v", op, body, fast, want)
		}
	}
	return taken
}

// TestFlatDecodeMatchesUnmarshal holds identitySourceRef.SetFlat, through
// schemas.AcceptFlat, to json.Unmarshal on the seeds and on random changes
// of them, and checks that the shortcut takes the conforming ones.
func TestFlatDecodeMatchesUnmarshal(t *testing.T) {
	for _, body := range flatDecodeSeeds[:2] {
		if !checkFlatDecode(t, []byte(body)) {
			t.Errorf("%q: the shortcut left a conforming body to the whole validator", body)
		}
	}
	rng := rand.New(rand.NewPCG(13, 14))
	alphabet := []byte(`{}[]":, ` + "\t\n\\ab01-_<&ü\x01")
	for _, body := range flatDecodeSeeds {
		checkFlatDecode(t, []byte(body))
	}
	taken := 0
	for range 50000 {
		b := mutateBytes(rng, []byte(flatDecodeSeeds[rng.IntN(len(flatDecodeSeeds))]), alphabet, 1+rng.IntN(3))
		if checkFlatDecode(t, b) {
			taken++
		}
	}
	if taken < 100 {
		t.Errorf("the shortcut took %d of 50000 changed bodies, want at least 100: the changes do not reach it", taken)
	}
}

// mutateBytes makes n random changes to b, each a byte of alphabet put in
// place of one, a byte removed, or a byte of alphabet inserted (inserted
// into an empty b), and returns it.
func mutateBytes(rng *rand.Rand, b, alphabet []byte, n int) []byte {
	for range n {
		if len(b) == 0 {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
			continue
		}
		i := rng.IntN(len(b))
		switch rng.IntN(3) {
		case 0:
			b[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
		}
	}
	return b
}

// FuzzFlatDecode holds identitySourceRef.SetFlat, through
// schemas.AcceptFlat, to json.Unmarshal.
func FuzzFlatDecode(f *testing.F) {
	for _, body := range flatDecodeSeeds {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFlatDecode(t, body)
	})
}

func TestAppendTimestamp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	times := []time.Time{
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 120000000, time.FixedZone("x", 3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range 2000 {
		times = append(times, time.Unix(rng.Int64N(1<<36)-1<<35, rng.Int64N(1e9)))
	}
	for _, tm := range times {
		if got, want := timestamp(tm), tm.UTC().Format(timestampLayout); got != want {
			t.Errorf("timestamp(%v) = %q, want %q (time.Format)", tm, got, want)
		}
	}
}

func TestRequestIDShape(t *testing.T) {
	ids := newIDSource(0, false)
	shape := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	var headers [][]string
	var ids0 []string
	for range 100 {
		h := new(exchange).requestID(ids)
		if id := h[0]; len(h) != 1 || !shape.MatchString(id) || seen[id] {
			t.Fatalf("the X-Amzn-Requestid value = %q: want one fresh version-4 UUID (8-4-4-4-12 lowercase hex)", h)
		}
		seen[h[0]] = true
		headers, ids0 = append(headers, h), append(ids0, strings.Clone(h[0]))
	}
	for i, h := range headers { // each still names its own id
		if h[0] != ids0[i] {
			t.Fatalf("the X-Amzn-Requestid value %q became %q after later requests", ids0[i], h[0])
		}
	}
}

func TestCognitoIssuer(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
		"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/a:b":           "https://cognito-idp.eu-west-1.amazonaws.com/a:b",
		"arn:aws:cognito-idp:us-east-1:123456789012":                        "",
		"": "",
	} {
		if got := cognitoIssuer(arn); got != want {
			t.Errorf("cognitoIssuer(%q) = %q, want %q", arn, got, want)
		}
	}
}

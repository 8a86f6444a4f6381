package fake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

func TestPolicyStoreRoundTrip(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		out, err := h.vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
			ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeStrict},
			Description:        aws.String("a store"),
			Tags:               map[string]string{"team": "auth"},
		})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.PolicyStoreId)
		if !base62ID.MatchString(id) {
			t.Errorf("policy store id %q is not 22 base62 characters", id)
		}
		if want := "arn:aws:verifiedpermissions::210987654321:policy-store/" + id; aws.ToString(out.Arn) != want {
			t.Errorf("arn = %q, want %q", aws.ToString(out.Arn), want)
		}

		r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"`+id+`"}`)
		if diff := cmp.Diff(map[string]any{
			"policyStoreId":      id,
			"arn":                aws.ToString(out.Arn),
			"validationSettings": map[string]any{"mode": "STRICT"},
			"createdDate":        "2024-08-12T18:20:50.99Z",
			"lastUpdatedDate":    "2024-08-12T18:20:50.99Z",
			"description":        "a store",
			"deletionProtection": "DISABLED",
			"cedarVersion":       "CEDAR_4",
		}, r.Body); diff != "" {
			t.Errorf("GetPolicyStore without tags (-want +got):\n%s", diff)
		}
		got, err := h.vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: &id, Tags: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"team": "auth"}, got.Tags); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}

		// No tags: none returned even when asked for.
		bare := h.mustCreatePolicyStore(t)
		r = h.raw(t, "GetPolicyStore", `{"policyStoreId":"`+bare+`","tags":true}`)
		if _, ok := r.Body["tags"]; ok {
			t.Errorf("tags returned for a store without tags: %s", r.Raw)
		}
		if _, ok := r.Body["description"]; ok {
			t.Errorf("description returned for a store without one: %s", r.Raw)
		}
	}, fake.WithAccount("210987654321"))
}

func TestDeletePolicyStore(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		t.Run("missing store is 200 {}", func(t *testing.T) {
			r := h.raw(t, "DeletePolicyStore", `{"policyStoreId":"`+unknownStoreID+`"}`)
			if r.Status != http.StatusOK || len(r.Body) != 0 {
				t.Errorf("HTTP %d %s", r.Status, r.Raw)
			}
		})
		t.Run("deletion protection", func(t *testing.T) {
			in := sdktest.PolicyStoreInput("")
			in.DeletionProtection = types.DeletionProtectionEnabled
			out, err := h.vp.CreatePolicyStore(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: out.PolicyStoreId})
			var is *types.InvalidStateException
			if !errors.As(err, &is) {
				t.Fatalf("got %v, want InvalidStateException", err)
			}
			r := h.raw(t, "DeletePolicyStore", `{"policyStoreId":"`+aws.ToString(out.PolicyStoreId)+`"}`)
			if r.Status != http.StatusNotAcceptable || r.Type() != "InvalidStateException" {
				t.Errorf("HTTP %d %s", r.Status, r.Raw)
			}
			if _, err := h.vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: out.PolicyStoreId}); err != nil {
				t.Errorf("protected store is gone: %v", err)
			}
		})
		t.Run("cascades to identity sources", func(t *testing.T) {
			store := h.mustCreatePolicyStore(t)
			id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
			if _, err := h.vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: &store}); err != nil {
				t.Fatal(err)
			}
			_, err := h.vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: &store, IdentitySourceId: &id})
			var nf *types.ResourceNotFoundException
			if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypePolicyStore {
				t.Errorf("after deleting the store: %v", err)
			}
		})
	})
}

func TestEncryptionStateEchoed(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"kmsEncryptionSettings":{"key":"arn:aws:kms:us-east-1:123456789012:key/abc"}}}`)
		if r.Status != http.StatusOK {
			t.Fatalf("HTTP %d %s", r.Status, r.Raw)
		}
		g := h.raw(t, "GetPolicyStore", `{"policyStoreId":"`+r.Body["policyStoreId"].(string)+`"}`)
		if diff := cmp.Diff(map[string]any{"kmsEncryptionState": map[string]any{
			"key": "arn:aws:kms:us-east-1:123456789012:key/abc", "encryptionContext": map[string]any{},
		}}, g.Body["encryptionState"]); diff != "" {
			t.Errorf("encryptionState (-want +got):\n%s", diff)
		}
	})
}

// TestSeededIDs: the same seed gives the same ids, and Reset restarts them.
func TestSeededIDs(t *testing.T) {
	createTwo := func(srv *fake.Server) []string {
		vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())
		var ids []string
		for range 2 {
			out, err := vp.CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput(""))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, aws.ToString(out.PolicyStoreId))
		}
		return ids
	}
	a := fake.NewServer(fake.WithIDSeed(42), fake.WithoutListener())
	b := fake.NewServer(fake.WithIDSeed(42), fake.WithoutListener())
	c := fake.NewServer(fake.WithIDSeed(43), fake.WithoutListener())
	defer a.Close()
	defer b.Close()
	defer c.Close()
	ia, ib, ic := createTwo(a), createTwo(b), createTwo(c)
	if diff := cmp.Diff(ia, ib); diff != "" {
		t.Errorf("same seed, different ids (-a +b):\n%s", diff)
	}
	if ia[0] == ia[1] || ia[0] == ic[0] {
		t.Errorf("ids repeat: %v %v", ia, ic)
	}
	for _, id := range append(ia, ic...) {
		if !base62ID.MatchString(id) {
			t.Errorf("id %q is not 22 base62 characters", id)
		}
	}
	a.Reset()
	if diff := cmp.Diff(ia, createTwo(a)); diff != "" {
		t.Errorf("after Reset the seeded sequence did not restart (-before +after):\n%s", diff)
	}
	r1, r2 := fake.NewServer(fake.WithoutListener()), fake.NewServer(fake.WithoutListener())
	defer r1.Close()
	defer r2.Close()
	if createTwo(r1)[0] == createTwo(r2)[0] {
		t.Errorf("unseeded servers produced the same id")
	}
}

// TestServerBasics covers URL, AWSConfig and Close.
func TestServerBasics(t *testing.T) {
	srv := fake.NewServer(fake.WithRegion("eu-central-1"))
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL() = %q", srv.URL())
	}
	cfg := srv.AWSConfig()
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-central-1" || aws.ToString(cfg.BaseEndpoint) != srv.URL() ||
		creds.AccessKeyID != "AKIDVPFAKEEXAMPLE" || creds.SecretAccessKey != "vpfake-secret" || cfg.HTTPClient != srv.Client() {
		t.Errorf("AWSConfig = region %q endpoint %q key %q", cfg.Region, aws.ToString(cfg.BaseEndpoint), creds.AccessKeyID)
	}
	resp, err := http.Get(srv.URL() + "/_vpfake/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close()
	srv.Close() // idempotent
	if _, err := http.Get(srv.URL() + "/_vpfake/health"); err == nil {
		t.Errorf("listener still answers after Close")
	}

	nl := fake.NewServer(fake.WithoutListener())
	defer nl.Close()
	if nl.URL() != "http://vpfake.invalid" {
		t.Errorf("WithoutListener URL() = %q", nl.URL())
	}
	vp := verifiedpermissions.NewFromConfig(nl.AWSConfig())
	if _, err := vp.CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput("")); err != nil {
		t.Errorf("in-memory call without a listener: %v", err)
	}
}

// TestConcurrentUse hammers one server from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())
	ctx := context.Background()
	done := make(chan error)
	for range 8 {
		go func() {
			var err error
			defer func() { done <- err }()
			for range 10 {
				var ps *verifiedpermissions.CreatePolicyStoreOutput
				ps, err = vp.CreatePolicyStore(ctx, sdktest.PolicyStoreInput(""))
				if err != nil {
					return
				}
				var is *verifiedpermissions.CreateIdentitySourceOutput
				is, err = vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{PolicyStoreId: ps.PolicyStoreId, Configuration: cognitoConfiguration(userPoolArn)})
				if err != nil {
					return
				}
				if _, err = vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: ps.PolicyStoreId, IdentitySourceId: is.IdentitySourceId}); err != nil {
					return
				}
				if _, err = vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: ps.PolicyStoreId}); err != nil {
					return
				}
				srv.Reset()
				err = nil
			}
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			var nf *types.ResourceNotFoundException
			if !errors.As(err, &nf) { // a concurrent Reset may remove a store mid-sequence
				t.Error(err)
			}
		}
	}
}

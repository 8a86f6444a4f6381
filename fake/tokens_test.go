package fake_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"

	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

// TestClientToken covers the 8-hour idempotency of both create operations.
func TestClientToken(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		first, err := h.createPolicyStore("token-1")
		if err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Hour)
		again, err := h.createPolicyStore("token-1")
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(again.PolicyStoreId) != aws.ToString(first.PolicyStoreId) || !again.CreatedDate.Equal(*first.CreatedDate) {
			t.Errorf("same token, same input: got %s %v, want %s %v", aws.ToString(again.PolicyStoreId), again.CreatedDate, aws.ToString(first.PolicyStoreId), first.CreatedDate)
		}
		strict := sdktest.PolicyStoreInput("token-1")
		strict.ValidationSettings.Mode = types.ValidationModeStrict
		_, err = h.vp.CreatePolicyStore(ctx, strict)
		var c *types.ConflictException
		if !errors.As(err, &c) {
			t.Fatalf("same token, other input: %v, want ConflictException", err)
		}
		if len(c.Resources) != 1 || aws.ToString(c.Resources[0].ResourceId) != aws.ToString(first.PolicyStoreId) || c.Resources[0].ResourceType != types.ResourceTypePolicyStore {
			t.Errorf("conflict resources: %+v", c.Resources)
		}
		h.clock.Advance(7 * time.Hour)
		later, err := h.createPolicyStore("token-1")
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(later.PolicyStoreId) == aws.ToString(first.PolicyStoreId) {
			t.Errorf("8 hours later the token still returned the same store")
		}

		// CreateIdentitySource: a replay is not a second identity source.
		store := aws.ToString(later.PolicyStoreId)
		createIS := func(token string, c types.Configuration) (*verifiedpermissions.CreateIdentitySourceOutput, error) {
			return h.vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
				ClientToken: aws.String(token), PolicyStoreId: &store, Configuration: c,
			})
		}
		is1, err := createIS("is-token", cognitoConfiguration(userPoolArn))
		if err != nil {
			t.Fatal(err)
		}
		is2, err := createIS("is-token", cognitoConfiguration(userPoolArn))
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if aws.ToString(is2.IdentitySourceId) != aws.ToString(is1.IdentitySourceId) {
			t.Errorf("replay made another identity source")
		}
		// A replay after an update answers the create's output, dates
		// included, rebuilt from the source, not the update's.
		h.clock.Advance(time.Minute)
		if _, err := h.vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
			PolicyStoreId: &store, IdentitySourceId: is1.IdentitySourceId,
			UpdateConfiguration: &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: types.UpdateCognitoUserPoolConfiguration{UserPoolArn: aws.String(userPoolArn)}},
		}); err != nil {
			t.Fatal(err)
		}
		is3, err := createIS("is-token", cognitoConfiguration(userPoolArn))
		if err != nil {
			t.Fatalf("replay after an update: %v", err)
		}
		if !is3.CreatedDate.Equal(*is1.CreatedDate) || !is3.LastUpdatedDate.Equal(*is1.LastUpdatedDate) {
			t.Errorf("replay after an update: expected the create's dates %v and %v, got %v and %v",
				is1.CreatedDate, is1.LastUpdatedDate, is3.CreatedDate, is3.LastUpdatedDate)
		}
		_, err = createIS("is-token", oidcConfiguration())
		if !errors.As(err, &c) || aws.ToString(c.Resources[0].ResourceId) != aws.ToString(is1.IdentitySourceId) || c.Resources[0].ResourceType != types.ResourceTypeIdentitySource {
			t.Errorf("same token, other configuration: %v", err)
		}
		r := h.raw(t, "CreateIdentitySource", `{"clientToken":"is-token","policyStoreId":"`+store+`","configuration":`+oidc("")+`}`)
		if r.Status != http.StatusConflict {
			t.Errorf("HTTP %d, want 409", r.Status)
		}
	})
}

// TestClientTokenWindowAndDeletion checks a clientToken is forgotten once
// its 8 hours have passed and once the resource it created is deleted: a
// create replayed with it afterwards is a new call.
func TestClientTokenWindowAndDeletion(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		create := func(token string) string {
			out, err := h.createPolicyStore(token)
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToString(out.PolicyStoreId)
		}
		a := create("window")
		if b := create("window"); b != a {
			t.Errorf("replay within the window: %s, want %s", b, a)
		}
		h.clock.Advance(8 * time.Hour)
		if b := create("window"); b == a {
			t.Error("replay after 8 hours answered the first call")
		}
		h.clock.Advance(time.Second)
		create("other") // expires the first record of "window"
		if n := h.srv.Usage().ClientTokens; n != 2 {
			t.Errorf("%d clientTokens remembered, want 2", n)
		}

		c := create("deleted")
		if _, err := h.vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(c)}); err != nil {
			t.Fatal(err)
		}
		if n := h.srv.Usage().ClientTokens; n != 2 {
			t.Errorf("%d clientTokens remembered after the deletion, want 2", n)
		}
		if d := create("deleted"); d == c {
			t.Error("replay after the deletion answered the deleted store")
		}
	})
}

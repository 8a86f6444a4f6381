package fake_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"
)

var base62ID = regexp.MustCompile(`^[0-9A-Za-z]{22}$`)

// groupedCognito is the input of a CreateIdentitySource in store of a
// Cognito identity source with clientIDs, the group entity type
// MyCorp::Group and the principal entity type MyCorp::User.
func groupedCognito(store string, clientIDs ...string) *verifiedpermissions.CreateIdentitySourceInput {
	return &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: aws.String(store),
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn:        aws.String(userPoolArn),
			ClientIds:          clientIDs,
			GroupConfiguration: &types.CognitoGroupConfiguration{GroupEntityType: aws.String("MyCorp::Group")},
		}},
		PrincipalEntityType: aws.String("MyCorp::User"),
	}
}

func TestCognitoIdentitySourceRoundTrip(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		out, err := h.vp.CreateIdentitySource(ctx, groupedCognito(store, clientID))
		if err != nil {
			t.Fatalf("CreateIdentitySource: %v", err)
		}
		id := aws.ToString(out.IdentitySourceId)
		if !base62ID.MatchString(id) || aws.ToString(out.PolicyStoreId) != store {
			t.Errorf("ids: identity source %q, policy store %q", id, aws.ToString(out.PolicyStoreId))
		}
		want := h.clock.Now().UTC()
		if !out.CreatedDate.Equal(want) || !out.LastUpdatedDate.Equal(want) {
			t.Errorf("dates %v %v, want %v", out.CreatedDate, out.LastUpdatedDate, want)
		}

		got := h.mustGetIdentitySource(t, store, id)
		c, ok := got.Configuration.(*types.ConfigurationDetailMemberCognitoUserPoolConfiguration)
		if !ok {
			t.Fatalf("configuration is %T, want Cognito", got.Configuration)
		}
		if diff := cmp.Diff([]string{
			userPoolArn, userPoolIssuer, "MyCorp::Group", "MyCorp::User", clientID,
		}, []string{
			aws.ToString(c.Value.UserPoolArn), aws.ToString(c.Value.Issuer),
			aws.ToString(c.Value.GroupConfiguration.GroupEntityType), aws.ToString(got.PrincipalEntityType),
			c.Value.ClientIds[0],
		}); diff != "" {
			t.Errorf("GetIdentitySource (-want +got):\n%s", diff)
		}
		if got.Details == nil {
			t.Fatal("details missing for a Cognito identity source")
		}
		if diff := cmp.Diff([]string{clientID, userPoolArn, userPoolIssuer, "COGNITO"}, []string{
			got.Details.ClientIds[0], aws.ToString(got.Details.UserPoolArn),
			aws.ToString(got.Details.DiscoveryUrl), string(got.Details.OpenIdIssuer),
		}); diff != "" {
			t.Errorf("details (-want +got):\n%s", diff)
		}
	})
}

// TestCognitoDefaults: clientIds omitted come back as [], principalEntityType
// omitted is AWS::Cognito, and the issuer follows the ARN's own Region.
func TestCognitoDefaults(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		arn := "arn:aws:cognito-idp:eu-west-3:210987654321:userpool/eu-west-3_Zy9Xw8"
		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(arn))
		body := h.mustGetRaw(t, store, id)
		cfg := body["configuration"].(map[string]any)["cognitoUserPoolConfiguration"].(map[string]any)
		if diff := cmp.Diff(map[string]any{
			"userPoolArn": arn,
			"clientIds":   []any{},
			"issuer":      "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_Zy9Xw8",
		}, cfg); diff != "" {
			t.Errorf("configuration (-want +got):\n%s", diff)
		}
		if body["principalEntityType"] != "AWS::Cognito" {
			t.Errorf("principalEntityType = %v", body["principalEntityType"])
		}
		if diff := cmp.Diff(map[string]any{
			"userPoolArn":  arn,
			"clientIds":    []any{},
			"discoveryUrl": "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_Zy9Xw8",
			"openIdIssuer": "COGNITO",
		}, body["details"]); diff != "" {
			t.Errorf("details (-want +got):\n%s", diff)
		}
	})
}

func oidcConfiguration() types.Configuration {
	return &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
		Issuer: aws.String(oidcIssuer),
		TokenSelection: &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
			Audiences: []string{"https://myapp.example.com"},
		}},
	}}
}

// TestOIDCOutputMirrorsInput: no details, principalIdClaim defaults to sub,
// optional members left out stay out.
func TestOIDCOutputMirrorsInput(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreateIdentitySource(t, store, oidcConfiguration())
		body := h.mustGetRaw(t, store, id)
		if _, ok := body["details"]; ok {
			t.Errorf("details present for an OIDC identity source: %v", body["details"])
		}
		if diff := cmp.Diff(map[string]any{"openIdConnectConfiguration": map[string]any{
			"issuer": oidcIssuer,
			"tokenSelection": map[string]any{"accessTokenOnly": map[string]any{
				"audiences": []any{"https://myapp.example.com"}, "principalIdClaim": "sub",
			}},
		}}, body["configuration"]); diff != "" {
			t.Errorf("configuration (-want +got):\n%s", diff)
		}

		// Identity-token selection with every optional member set.
		_, err := h.vp.UpdateIdentitySource(context.Background(), &verifiedpermissions.UpdateIdentitySourceInput{
			PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(id),
			UpdateConfiguration: &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
				Issuer:         aws.String(oidcIssuer),
				EntityIdPrefix: aws.String("MyOIDCProvider"),
				GroupConfiguration: &types.UpdateOpenIdConnectGroupConfiguration{
					GroupClaim: aws.String("groups"), GroupEntityType: aws.String("MyCorp::UserGroup"),
				},
				TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{
					ClientIds: []string{clientID}, PrincipalIdClaim: aws.String("email"),
				}},
			}},
			PrincipalEntityType: aws.String("MyCorp::User"),
		})
		if err != nil {
			t.Fatalf("UpdateIdentitySource: %v", err)
		}
		body = h.mustGetRaw(t, store, id)
		if diff := cmp.Diff(map[string]any{"openIdConnectConfiguration": map[string]any{
			"issuer":             oidcIssuer,
			"entityIdPrefix":     "MyOIDCProvider",
			"groupConfiguration": map[string]any{"groupClaim": "groups", "groupEntityType": "MyCorp::UserGroup"},
			"tokenSelection": map[string]any{"identityTokenOnly": map[string]any{
				"clientIds": []any{clientID}, "principalIdClaim": "email",
			}},
		}}, body["configuration"]); diff != "" {
			t.Errorf("configuration (-want +got):\n%s", diff)
		}
		if body["principalEntityType"] != "MyCorp::User" {
			t.Errorf("principalEntityType = %v", body["principalEntityType"])
		}
	})
}

// TestUpdateReplacesConfiguration: an update replaces the configuration as
// a whole, resets an omitted principalEntityType to AWS::Cognito, keeps
// createdDate, advances lastUpdatedDate, and returns only the four members.
func TestUpdateReplacesConfiguration(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		created, err := h.vp.CreateIdentitySource(ctx, groupedCognito(store, "one", "two"))
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(created.IdentitySourceId)
		h.clock.Advance(90 * time.Second)
		r := h.raw(t, "UpdateIdentitySource",
			`{"policyStoreId":"`+store+`","identitySourceId":"`+id+`","updateConfiguration":`+cognito(`"clientIds":["three"]`)+`}`)
		if r.Status != http.StatusOK {
			t.Fatalf("UpdateIdentitySource: HTTP %d %s", r.Status, r.Raw)
		}
		if diff := cmp.Diff(map[string]any{
			"createdDate":      "2024-08-12T18:20:50.99Z",
			"identitySourceId": id,
			"lastUpdatedDate":  "2024-08-12T18:22:20.99Z",
			"policyStoreId":    store,
		}, r.Body); diff != "" {
			t.Errorf("UpdateIdentitySource output (-want +got):\n%s", diff)
		}
		body := h.mustGetRaw(t, store, id)
		if diff := cmp.Diff(map[string]any{"cognitoUserPoolConfiguration": map[string]any{
			"userPoolArn": userPoolArn, "clientIds": []any{"three"}, "issuer": userPoolIssuer,
		}}, body["configuration"]); diff != "" {
			t.Errorf("configuration after update, groupConfiguration must be gone (-want +got):\n%s", diff)
		}
		if body["principalEntityType"] != "AWS::Cognito" {
			t.Errorf("principalEntityType = %v, want the default AWS::Cognito after an update that omits it", body["principalEntityType"])
		}
		if body["createdDate"] != "2024-08-12T18:20:50.99Z" || body["lastUpdatedDate"] != "2024-08-12T18:22:20.99Z" {
			t.Errorf("dates after update: %v %v", body["createdDate"], body["lastUpdatedDate"])
		}
	})
}

// TestLastUpdatedDateStrictlyIncreases: with a clock that does not move,
// each update still advances lastUpdatedDate (by a microsecond).
func TestLastUpdatedDateStrictlyIncreases(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
		prev := h.mustGetIdentitySource(t, store, id)
		for i := 0; i < 3; i++ {
			out, err := h.vp.UpdateIdentitySource(context.Background(), updateInput(store, id))
			if err != nil {
				t.Fatal(err)
			}
			if !out.LastUpdatedDate.After(*prev.LastUpdatedDate) {
				t.Errorf("update %d: lastUpdatedDate %v not after %v", i, out.LastUpdatedDate, prev.LastUpdatedDate)
			}
			if got := out.LastUpdatedDate.Sub(*prev.LastUpdatedDate); got != time.Microsecond {
				t.Errorf("update %d: advanced by %v, want 1µs", i, got)
			}
			if !out.CreatedDate.Equal(*prev.CreatedDate) {
				t.Errorf("createdDate changed: %v -> %v", prev.CreatedDate, out.CreatedDate)
			}
			prev.LastUpdatedDate = out.LastUpdatedDate
		}
	})
}

// TestSwitchCognitoAndOIDC: an update may switch the kind of identity
// source both ways.
func TestSwitchCognitoAndOIDC(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, clientID))
		_, err := h.vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
			PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(id),
			UpdateConfiguration: &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
				Issuer:         aws.String(oidcIssuer),
				TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{},
			}},
		})
		if err != nil {
			t.Fatalf("switch to OIDC: %v", err)
		}
		got := h.mustGetIdentitySource(t, store, id)
		o, ok := got.Configuration.(*types.ConfigurationDetailMemberOpenIdConnectConfiguration)
		if !ok {
			t.Fatalf("after switch to OIDC configuration is %T", got.Configuration)
		}
		if aws.ToString(o.Value.Issuer) != oidcIssuer || got.Details != nil {
			t.Errorf("after switch to OIDC: issuer %q details %+v", aws.ToString(o.Value.Issuer), got.Details)
		}
		a, ok := o.Value.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly)
		if !ok || aws.ToString(a.Value.PrincipalIdClaim) != "sub" {
			t.Errorf("token selection %#v, want accessTokenOnly with principalIdClaim sub", o.Value.TokenSelection)
		}

		_, err = h.vp.UpdateIdentitySource(ctx, updateInput(store, id, "back"))
		if err != nil {
			t.Fatalf("switch back to Cognito: %v", err)
		}
		got = h.mustGetIdentitySource(t, store, id)
		if ids, ok := cognitoClientIDs(got.Configuration); !ok || len(ids) != 1 || ids[0] != "back" || got.Details == nil {
			t.Errorf("after switch back: %#v details %+v", got.Configuration, got.Details)
		}
	})
}

// TestOneIdentitySourcePerPolicyStore: a second CreateIdentitySource is a
// ServiceQuotaExceededException (402) about IDENTITY_SOURCE.
func TestOneIdentitySourcePerPolicyStore(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
		_, err := h.vp.CreateIdentitySource(context.Background(), &verifiedpermissions.CreateIdentitySourceInput{
			PolicyStoreId: aws.String(store), Configuration: oidcConfiguration(),
		})
		var q *types.ServiceQuotaExceededException
		if !errors.As(err, &q) {
			t.Fatalf("second CreateIdentitySource: %v, want ServiceQuotaExceededException", err)
		}
		if q.ResourceType != types.ResourceTypeIdentitySource {
			t.Errorf("resourceType = %q", q.ResourceType)
		}
		r := h.raw(t, "CreateIdentitySource", `{"policyStoreId":"`+store+`","configuration":`+cognito("")+`}`)
		if r.Status != http.StatusPaymentRequired {
			t.Errorf("HTTP %d, want 402", r.Status)
		}
		// Another store has its own quota.
		h.mustCreateIdentitySource(t, h.mustCreatePolicyStore(t), cognitoConfiguration(userPoolArn))
	})
}

// TestNotFound: the resource type and id name what was missing, for every
// operation that reads or writes an identity source.
func TestNotFound(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		calls := map[string]func(storeID, id string) error{
			"GetIdentitySource": func(s, i string) error {
				_, err := h.vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: &s, IdentitySourceId: &i})
				return err
			},
			"UpdateIdentitySource": func(s, i string) error {
				_, err := h.vp.UpdateIdentitySource(ctx, updateInput(s, i))
				return err
			},
			"DeleteIdentitySource": func(s, i string) error {
				_, err := h.vp.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{PolicyStoreId: &s, IdentitySourceId: &i})
				return err
			},
		}
		storeOnly := map[string]func(storeID string) error{
			"ListIdentitySources": func(s string) error {
				_, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: &s})
				return err
			},
			"GetPolicyStore": func(s string) error {
				_, err := h.vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: &s})
				return err
			},
			"CreateIdentitySource": func(s string) error {
				_, err := h.vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{PolicyStoreId: &s, Configuration: cognitoConfiguration(userPoolArn)})
				return err
			},
		}
		expect := func(t *testing.T, err error, typ types.ResourceType, id string) {
			t.Helper()
			var nf *types.ResourceNotFoundException
			if !errors.As(err, &nf) {
				t.Fatalf("got %v, want ResourceNotFoundException", err)
			}
			if nf.ResourceType != typ || aws.ToString(nf.ResourceId) != id {
				t.Errorf("got %s %q, want %s %q", nf.ResourceType, aws.ToString(nf.ResourceId), typ, id)
			}
		}
		for name, call := range calls {
			t.Run(name+"/UnknownPolicyStore", func(t *testing.T) {
				expect(t, call(unknownStoreID, unknownIdentityID), types.ResourceTypePolicyStore, unknownStoreID)
			})
			t.Run(name+"/UnknownIdentitySource", func(t *testing.T) {
				expect(t, call(store, unknownIdentityID), types.ResourceTypeIdentitySource, unknownIdentityID)
			})
		}
		for name, call := range storeOnly {
			t.Run(name+"/UnknownPolicyStore", func(t *testing.T) {
				expect(t, call(unknownStoreID), types.ResourceTypePolicyStore, unknownStoreID)
			})
		}
		r := h.raw(t, "GetIdentitySource", `{"policyStoreId":"`+store+`","identitySourceId":"`+unknownIdentityID+`"}`)
		if r.Status != http.StatusNotFound || r.Header.Get("X-Amzn-ErrorType") != "ResourceNotFoundException" {
			t.Errorf("HTTP %d %s", r.Status, r.Raw)
		}
	})
}

// TestDeleteIdentitySource: output {}, and the source is gone.
func TestDeleteIdentitySource(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
		r := h.raw(t, "DeleteIdentitySource", `{"policyStoreId":"`+store+`","identitySourceId":"`+id+`"}`)
		if r.Status != http.StatusOK || len(r.Body) != 0 {
			t.Fatalf("DeleteIdentitySource: HTTP %d %s", r.Status, r.Raw)
		}
		_, err := h.vp.GetIdentitySource(context.Background(), &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: &store, IdentitySourceId: &id})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("after delete: %v", err)
		}
		// The quota slot is free again.
		h.mustCreateIdentitySource(t, store, oidcConfiguration())
	})
}

func TestListIdentitySources(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)

		empty, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: &store})
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.IdentitySources) != 0 || empty.NextToken != nil {
			t.Errorf("empty store: %+v", empty)
		}
		r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`"}`)
		if diff := cmp.Diff(map[string]any{"identitySources": []any{}}, r.Body); diff != "" {
			t.Errorf("empty list body (-want +got):\n%s", diff)
		}

		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, clientID))
		r = h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`","maxResults":1000}`)
		items, _ := r.Body["identitySources"].([]any)
		if len(items) != 1 {
			t.Fatalf("list: %s", r.Raw)
		}
		if diff := cmp.Diff(h.mustGetRaw(t, store, id), items[0]); diff != "" {
			t.Errorf("list item differs from GetIdentitySource (-get +list):\n%s", diff)
		}
		if _, ok := r.Body["nextToken"]; ok {
			t.Errorf("nextToken on the last page: %s", r.Raw)
		}

		filter := func(p string) int {
			out, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{
				PolicyStoreId: &store,
				Filters:       []types.IdentitySourceFilter{{PrincipalEntityType: aws.String(p)}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return len(out.IdentitySources)
		}
		if n := filter("AWS::Cognito"); n != 1 {
			t.Errorf("filter matching the source: %d items", n)
		}
		if n := filter("MyCorp::User"); n != 0 {
			t.Errorf("filter not matching the source: %d items", n)
		}

		out, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: &store})
		if err != nil {
			t.Fatal(err)
		}
		c, ok := out.IdentitySources[0].Configuration.(*types.ConfigurationItemMemberCognitoUserPoolConfiguration)
		if !ok || aws.ToString(c.Value.Issuer) != userPoolIssuer || out.IdentitySources[0].Details == nil {
			t.Errorf("item through the SDK: %#v", out.IdentitySources[0])
		}
	})
}

func TestListIdentitySourcesBadNextToken(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		for _, tok := range []string{"bm90LWEtdG9rZW4=", "%%%", "djF8" + "b3RoZXJ8MXx4"} {
			r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`","nextToken":"`+tok+`"}`)
			if r.Status != http.StatusBadRequest || r.Type() != "ValidationException" {
				t.Errorf("nextToken %q: HTTP %d %s", tok, r.Status, r.Raw)
				continue
			}
			if diff := cmp.Diff([]string{"nextToken"}, r.FieldPaths()); diff != "" {
				t.Errorf("nextToken %q fieldList (-want +got):\n%s", tok, diff)
			}
		}
	})
}

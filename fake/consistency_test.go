package fake_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
)

const propagation = 5 * time.Second

// reads reports what the three reads see of a policy store and its
// identity source: the error code of each ("" for success), and, when
// visible, the identity source's client ids and lastUpdatedDate.
type reads struct {
	GetPolicyStore, GetIdentitySource, ListIdentitySources string
	Listed                                                 int
	ClientIDs                                              []string
	LastUpdated                                            time.Time
}

func (h *harness) reads(t *testing.T, store, source string) reads {
	t.Helper()
	ctx := context.Background()
	var r reads
	_, err := h.vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)})
	r.GetPolicyStore = errorCode(err)
	got, err := h.vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(source),
	})
	r.GetIdentitySource = errorCode(err)
	if err == nil {
		r.ClientIDs, _ = cognitoClientIDs(got.Configuration)
		r.LastUpdated = aws.ToTime(got.LastUpdatedDate)
	}
	list, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(store)})
	r.ListIdentitySources = errorCode(err)
	if err == nil {
		r.Listed = len(list.IdentitySources)
	}
	return r
}

// TestPropagationDelay walks a policy store and an identity source through
// creation, update and deletion under a 5-second propagation delay, with
// the fake clock, checking reads, and the existence checks of writes, lag
// by exactly the delay, while what a write changes is the latest state.
func TestPropagationDelay(t *testing.T) {
	const notFound = "ResourceNotFoundException"
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		// The existence check of CreateIdentitySource does not see the
		// store yet; nothing is created.
		create := &verifiedpermissions.CreateIdentitySourceInput{
			PolicyStoreId: aws.String(store), Configuration: cognitoConfiguration(userPoolArn, "client-v1"),
		}
		if _, err := h.vp.CreateIdentitySource(ctx, create); errorCode(err) != notFound {
			t.Fatalf("CreateIdentitySource right after CreatePolicyStore: %v, want %s", err, notFound)
		}
		h.clock.Advance(propagation - time.Microsecond)
		if _, err := h.vp.CreateIdentitySource(ctx, create); errorCode(err) != notFound {
			t.Fatalf("CreateIdentitySource a microsecond before the store propagated: %v, want %s", err, notFound)
		}
		h.clock.Advance(time.Microsecond)
		t0 := h.clock.Now().Truncate(time.Microsecond)
		source := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, "client-v1"))
		check := func(step string, want reads) {
			t.Helper()
			if diff := cmp.Diff(want, h.reads(t, store, source)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", step, diff)
			}
		}
		check("just created", reads{Listed: 0, GetIdentitySource: notFound})
		if _, err := h.vp.UpdateIdentitySource(ctx, updateInput(store, source)); errorCode(err) != notFound {
			t.Errorf("UpdateIdentitySource of a source created within the delay: %v, want %s", err, notFound)
		}
		h.clock.Advance(propagation - time.Microsecond)
		check("a microsecond early", reads{Listed: 0, GetIdentitySource: notFound})
		h.clock.Advance(time.Microsecond)
		v1 := reads{Listed: 1, ClientIDs: []string{"client-v1"}, LastUpdated: t0}
		check("after the delay", v1)

		t1 := h.clock.Now().Truncate(time.Microsecond)
		if _, err := h.vp.UpdateIdentitySource(ctx, updateInput(store, source, "client-v2")); err != nil {
			t.Fatalf("UpdateIdentitySource: %v", err)
		}
		check("just updated: the previous configuration and dates", v1)
		h.clock.Advance(propagation)
		check("update propagated", reads{Listed: 1, ClientIDs: []string{"client-v2"}, LastUpdated: t1})

		if _, err := h.vp.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
			PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(source),
		}); err != nil {
			t.Fatalf("DeleteIdentitySource: %v", err)
		}
		// Writes change the latest state: the deletion is seen at once.
		if _, err := h.vp.UpdateIdentitySource(ctx, updateInput(store, source)); errorCode(err) != notFound {
			t.Errorf("UpdateIdentitySource after the deletion: %v", err)
		}
		check("just deleted: still visible", reads{Listed: 1, ClientIDs: []string{"client-v2"}, LastUpdated: t1})
		h.clock.Advance(propagation)
		check("deletion propagated", reads{GetIdentitySource: notFound})

		again := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
		h.clock.Advance(propagation)
		if _, err := h.vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(store)}); err != nil {
			t.Fatalf("DeletePolicyStore: %v", err)
		}
		if got := h.reads(t, store, again); got.GetPolicyStore != "" || got.GetIdentitySource != "" || got.Listed != 1 {
			t.Errorf("just after DeletePolicyStore: %+v, want the store and its identity source still visible", got)
		}
		h.clock.Advance(propagation)
		check("store deletion propagated", reads{GetPolicyStore: notFound, GetIdentitySource: notFound, ListIdentitySources: notFound})

		r := h.rawMethod(t, "GET", "/_vpfake/health", "", "")
		if r.Body["propagationDelayMs"] != float64(propagation.Milliseconds()) {
			t.Errorf("health: %s", r.Raw)
		}
	}, fake.WithPropagationDelay(propagation))
}

// TestPropagationDelayReset checks Reset forgets the history too.
func TestPropagationDelayReset(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		h.srv.Reset()
		h.clock.Advance(propagation)
		if _, err := h.vp.GetPolicyStore(context.Background(), &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)}); errorCode(err) != "ResourceNotFoundException" {
			t.Errorf("a store created before Reset: %v", err)
		}
	}, fake.WithPropagationDelay(propagation))
}

// TestStateUnderPropagationDelay: a state set is visible to reads at once;
// later changes to it are delayed as usual.
func TestStateUnderPropagationDelay(t *testing.T) {
	p := populate(t)
	want := p.reads(t, p.srv)
	clock := newTestClock()
	srv := fake.NewServer(fake.WithoutListener(), fake.WithClock(clock.Now), fake.WithPropagationDelay(propagation), fake.WithState(p.srv.State()))
	defer srv.Close()
	if diff := cmp.Diff(want, p.reads(t, srv)); diff != "" {
		t.Errorf("WithState under a delay (-want +got):\n%s", diff)
	}
	srv.Reset()
	if err := srv.SetState(p.srv.State()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, p.reads(t, srv)); diff != "" {
		t.Errorf("SetState under a delay (-want +got):\n%s", diff)
	}
	vp := newHarness(t, srv, false).vp
	ctx := context.Background()
	if _, err := vp.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
		PolicyStoreId: aws.String(p.Stores[1]), IdentitySourceId: aws.String(p.Sources[1]),
	}); err != nil {
		t.Fatal(err)
	}
	get := &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: aws.String(p.Stores[1]), IdentitySourceId: aws.String(p.Sources[1])}
	if _, err := vp.GetIdentitySource(ctx, get); err != nil {
		t.Errorf("a deletion was visible at once under a delay: %v", err)
	}
	clock.Advance(propagation + time.Second)
	if _, err := vp.GetIdentitySource(ctx, get); err == nil {
		t.Error("a deletion was not visible after the delay")
	}
}

package specs

import (
	"context"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/fake"
)

// TestControlToken: against a fake whose control routes require a token,
// the kit's control requests carry Target.ControlToken, and fail saying so
// without it.
func TestControlToken(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener(), fake.WithControlToken("s3cret-control"))
	defer srv.Close()
	tgt := wrongTarget(srv.Handler())
	ctx := context.Background()
	f := InjectedFault{Operation: "GetIdentitySource", Error: throttlingException, Count: 1}
	if _, err := tgt.injectFault(ctx, f); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("a fault without the token: %v, want HTTP 401", err)
	}
	tgt.ControlToken = "s3cret-control"
	if _, err := tgt.injectFault(ctx, f); err != nil {
		t.Errorf("a fault with the token: %v", err)
	}
	if err := tgt.clearFaults(ctx); err != nil {
		t.Errorf("clear faults with the token: %v", err)
	}
	t.Setenv(ControlTokenEnv, "from-env")
	if o, err := endpointOptionsFromEnv(); err != nil || o.ControlToken != "from-env" {
		t.Errorf("EndpointOptionsFromEnv: %+v, %v, want the control token from %s", o, err, ControlTokenEnv)
	}
}

package endpoint_test

import (
	"os"
	"testing"

	"github.com/vpconform/vpconform/specs"
	"github.com/vpconform/vpconform/suites/internal/suite"
)

func TestEndpoint(t *testing.T) {
	if os.Getenv(specs.EndpointEnv) == "" {
		t.Skip("set VPCONFORM_ENDPOINT to the base URL of the endpoint to certify, e.g. VPCONFORM_ENDPOINT=http://127.0.0.1:4599")
	}
	suite.Run(t, "vpconform: endpoint")
}

var _ = suite.Catalogue("the endpoint target", specs.EndpointTargetFromEnv)

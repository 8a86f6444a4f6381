package aws_test

import (
	"os"
	"testing"

	"github.com/vpconform/vpconform/specs"
	"github.com/vpconform/vpconform/suites/internal/suite"
)

func TestAWS(t *testing.T) {
	if os.Getenv(specs.AWSEnv) != "1" {
		t.Skip("set VPCONFORM_AWS=1 to run against real AWS (default credential chain; creates, tags and deletes its own policy stores)")
	}
	suite.Run(t, "vpconform: aws")
}

var _ = suite.Catalogue("the AWS target", specs.AWSTargetFromEnv)

package axiomstest

import (
	"strings"
	"testing"
)

// TestServiceClientDialsLoopbackOnly: the client refuses a connection to
// a peer that is not loopback, the check made on the address dialled (so
// no name can resolve around it).
func TestServiceClientDialsLoopbackOnly(t *testing.T) {
	// 192.0.2.0/24 is reserved for documentation: never routed.
	_, err := Service{}.client().Get("http://192.0.2.1:9/")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("err = %v", err)
	}
}

package runtime_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every Guard
// is closed by its test, so a survivor is a leak in Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

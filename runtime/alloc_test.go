package runtime

import (
	"testing"
	"unsafe"
)

// TestClaimsAllocationSize keeps the claims' one allocation on the
// allocator's fast path for objects with pointers (512 bytes at most).
func TestClaimsAllocationSize(t *testing.T) {
	if n := unsafe.Sizeof(claimsAlloc{}); n > 512 {
		t.Errorf("the claims allocation is %d bytes, over 512", n)
	}
}

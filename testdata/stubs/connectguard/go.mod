module github.com/axioms-go/axiomsgen/connectguard

go 1.26.0

require (
	github.com/axioms-go/axiomsgen v0.0.0
	connectrpc.com/connect v0.0.0
)

module github.com/axioms-go/axiomsgen/grpcguard

go 1.26.0

require (
	github.com/axioms-go/axiomsgen v0.0.0
	google.golang.org/grpc v0.0.0
)

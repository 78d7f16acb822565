module github.com/axioms-go/axiomsgen/examples/grpc

go 1.26.0

require (
	connectrpc.com/connect v1.21.1
	github.com/axioms-go/axiomsgen v0.0.0
	github.com/axioms-go/axiomsgen/connectguard v0.0.0
	github.com/axioms-go/axiomsgen/grpcguard v0.0.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/aymanbagabas/go-udiff v0.4.2 // indirect
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/buger/jsonparser v1.6.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/pb33f/go-yaml v0.1.1 // indirect
	github.com/pb33f/jsonpath v0.8.5 // indirect
	github.com/pb33f/libopenapi v0.42.5 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.2 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/time v0.16.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
)

replace (
	github.com/axioms-go/axiomsgen => ../..
	github.com/axioms-go/axiomsgen/connectguard => ../../connectguard
	github.com/axioms-go/axiomsgen/grpcguard => ../../grpcguard
)

tool github.com/axioms-go/axiomsgen/cmd/axiomsgen

module github.com/axioms-go/axiomsgen/connectguard

go 1.26.0

require (
	connectrpc.com/connect v1.21.1
	github.com/axioms-go/axiomsgen v0.0.0
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/axioms-go/axiomsgen => ../

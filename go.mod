module github.com/axioms-go/axiomsgen

go 1.26.0

require (
	github.com/MicahParks/jwkset v0.11.4
	github.com/golang-jwt/jwt/v5 v5.3.1
	golang.org/x/time v0.16.0
)

require go.uber.org/goleak v1.3.0

require github.com/aymanbagabas/go-udiff v0.4.2

require golang.org/x/net v0.61.0

require (
	golang.org/x/mod v0.42.0
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0
)

module example.com/vet

go 1.26.0

require github.com/axioms-go/axiomsgen v0.0.0

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/go-chi/chi/v5 v5.5.0
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/gorilla/mux v1.8.1
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/axioms-go/axiomsgen => ../..

replace github.com/go-chi/chi/v5 => ../stubs/chi

replace github.com/gorilla/mux => ../stubs/gorilla

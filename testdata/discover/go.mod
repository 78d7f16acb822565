module example.com/routes

go 1.26.0

require (
	connectrpc.com/connect v0.0.0
	github.com/axioms-go/axiomsgen v0.0.0
	github.com/axioms-go/axiomsgen/connectguard v0.0.0
	github.com/axioms-go/axiomsgen/grpcguard v0.0.0
	github.com/gin-gonic/gin v1.12.0
	github.com/go-chi/chi v1.5.5
	github.com/go-chi/chi/v5 v5.5.0
	github.com/gorilla/mux v1.8.1
	github.com/labstack/echo/v4 v4.16.0
	google.golang.org/grpc v0.0.0
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/time v0.16.0 // indirect
)

// The routers are their stand-ins (declarations only), so discovery
// tests run offline.
replace (
	connectrpc.com/connect => ../stubs/connect
	github.com/axioms-go/axiomsgen => ../..
	github.com/axioms-go/axiomsgen/connectguard => ../stubs/connectguard
	github.com/axioms-go/axiomsgen/grpcguard => ../stubs/grpcguard
	github.com/gin-gonic/gin => ../stubs/gin
	github.com/go-chi/chi => ../stubs/chilegacy
	github.com/go-chi/chi/v5 => ../stubs/chi
	github.com/gorilla/mux => ../stubs/gorilla
	github.com/labstack/echo/v4 => ../stubs/echo
	google.golang.org/grpc => ../stubs/grpc
)

module github.com/go-chi/chi

go 1.26.0

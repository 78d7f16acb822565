// Package admin builds a chi router that another package mounts.
package admin

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Router is mounted under /admin by package crosspkg.
func Router() chi.Router {
	r := chi.NewRouter()
	r.Get("/stats", stats) // want "guarded GET /admin/stats roles(ops)"
	return r
}

func stats(w http.ResponseWriter, r *http.Request) {}

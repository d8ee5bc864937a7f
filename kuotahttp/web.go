package kuotahttp

import (
	"embed"
	"net/http"
)

// webFiles is the page: index.html, app.js and style.css, embedded so that
// the binary is the whole service. The page loads nothing from elsewhere
// (the machines it runs on may have no internet) and uses only the JSON
// API above, as any other client would.
//
//go:embed web
var webFiles embed.FS

// serveIndex serves the page at GET /. Its script and style are served
// under GET /web/ straight from webFiles.
func serveIndex(w http.ResponseWriter, r *http.Request) {
	http.ServeFileFS(w, r, webFiles, "web/index.html")
}

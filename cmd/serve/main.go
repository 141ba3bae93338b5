// Command serve serves the playground and the built package for
// development and the browser tests: web/ at /, dist/ at /dist/, and any
// further directories given as -mount PATH=DIR. It prints its URL once it
// listens (with -addr 127.0.0.1:0 it picks a free port).
//
//	go run ./cmd/serve                 # http://localhost:8000
//	go run ./cmd/serve -addr 127.0.0.1:0 -mount /fixtures/=tests/browser/fixtures
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

type mounts []string

func (m *mounts) String() string     { return strings.Join(*m, ",") }
func (m *mounts) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	addr := flag.String("addr", "localhost:8000", "address to listen on")
	web := flag.String("web", "web", "directory served at /")
	dist := flag.String("dist", "dist", "directory served at /dist/")
	var extra mounts
	flag.Var(&extra, "mount", "another directory to serve, as /PATH/=DIR (repeatable)")
	flag.Parse()

	mux := http.NewServeMux()
	mux.Handle("/", files(*web))
	mux.Handle("/dist/", http.StripPrefix("/dist/", files(*dist)))
	for _, m := range extra {
		path, dir, ok := strings.Cut(m, "=")
		if !ok || !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") {
			log.Fatalf("serve: -mount %q: want /PATH/=DIR", m)
		}
		mux.Handle(path, http.StripPrefix(path, files(dir)))
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("serve: %v", err)
	}
	fmt.Printf("serving on http://%s/\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, mux))
}

// files serves dir. Browsers revalidate every response (no-cache), so an
// edited file shows on reload while unchanged ones, the WebAssembly module
// among them, come from the cache after a 304.
func files(dir string) http.Handler {
	fs := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fs.ServeHTTP(w, r)
	})
}

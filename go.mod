module github.com/luawasm/luawasm

go 1.26.0

require (
	github.com/golang/snappy v1.0.0
	go.etcd.io/bbolt v1.5.0
	golang.org/x/term v0.47.0
)

require golang.org/x/sys v0.49.0 // indirect

module github.com/luawasm/luawasm/store/internal/codecbench

go 1.26

require (
	github.com/golang/snappy v1.0.0
	github.com/klauspost/compress v1.20.3
	github.com/pierrec/lz4/v4 v4.1.33
)

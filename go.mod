module github.com/luawasm/luawasm

go 1.26

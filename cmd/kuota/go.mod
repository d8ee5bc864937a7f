module github.com/kuota/kuota/cmd/kuota

go 1.26.0

require (
	github.com/kuota/kuota v0.0.0
	github.com/stretchr/testify v1.12.1
	go.etcd.io/bbolt v1.5.0
)

require (
	github.com/google/btree v1.1.3 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/kuota/kuota => ../..

replace github.com/kuota/kuota/postgres => ../../postgres

module github.com/kuota/kuota/bench/postgres

go 1.25.0

replace github.com/kuota/kuota => ../..

replace github.com/kuota/kuota/postgres => ../../postgres

require (
	github.com/jackc/pgx/v5 v5.12.0
	github.com/kuota/kuota v0.0.0
	github.com/kuota/kuota/postgres v0.0.0
	github.com/stretchr/testify v1.12.1
	pgregory.net/rapid v1.3.0
)

require (
	github.com/google/btree v1.1.3 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

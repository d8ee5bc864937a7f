package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/config"
)

// withServer returns base with the server section server (a JSON object)
// on line 19, before the policy.
func withServer(t *testing.T, server string) string {
	return edit(t, `"policy"`, `"server": `+server+`, "policy"`)
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name   string
		server string
		want   string
	}{
		{"no listen", `{"db": "k.db"}`,
			`kuota.json:19:13: server.listen: config: missing field`},
		{"listen without a port", `{"listen": "localhost", "db": "k.db"}`,
			`kuota.json:19:24: server.listen: config: bad value: listen address "localhost", want "host:port" such as "127.0.0.1:8080" or ":8080"`},
		{"listen on a named port", `{"listen": ":http", "db": "k.db"}`,
			`kuota.json:19:24: server.listen: config: bad value: listen address ":http", want "host:port" such as "127.0.0.1:8080" or ":8080"`},
		{"no store", `{"listen": ":8080"}`,
			`kuota.json:19:13: server: config: bad value: give "db" (a file) or "postgres_dsn", one of them`},
		{"two stores", `{"listen": ":8080", "db": "k.db", "postgres_dsn": {"env": "PG"}}`,
			`kuota.json:19:13: server: config: bad value: give "db" (a file) or "postgres_dsn", one of them`},
		{"empty db", `{"listen": ":8080", "db": ""}`,
			`kuota.json:19:39: server.db: config: bad value: empty path`},
		{"secret in the file", `{"listen": ":8080", "db": "k.db", "operator_token": {"value": "hunter2"}}`,
			`kuota.json:19:66: server.operator_token.value: config: unknown field (want one of file, env)`},
		{"file and env", `{"listen": ":8080", "db": "k.db", "operator_token": {"file": "t", "env": "T"}}`,
			`kuota.json:19:65: server.operator_token: config: bad value: give "file" or "env", one of them`},
		{"neither", `{"listen": ":8080", "db": "k.db", "operator_token": {}}`,
			`kuota.json:19:65: server.operator_token: config: bad value: give "file" or "env", one of them`},
		{"env name", `{"listen": ":8080", "db": "k.db", "payment_secret": {"env": "KUOTA-PAY"}}`,
			`kuota.json:19:73: server.payment_secret.env: config: bad value: environment variable "KUOTA-PAY", want letters, digits and _ (at most 128 bytes)`},
		{"env name starting with a digit", `{"listen": ":8080", "db": "k.db", "payment_secret": {"env": "1PAY"}}`,
			`kuota.json:19:73: server.payment_secret.env: config: bad value: environment variable "1PAY", want letters, digits and _ (at most 128 bytes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, withServer(t, tt.server), "")
			require.Equal(t, tt.want, err.Error())
		})
	}
}

func TestSecretRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
		require.NoError(t, os.Chmod(p, mode))
	}
	write("token", "s3cret\n", 0o600)
	write("crlf", "s3cret\r\n", 0o400)
	write("shared", "s3cret\n", 0o644)
	write("empty", "\n", 0o600)
	write("big", string(make([]byte, config.SecretBytesMax+1)), 0o600)
	t.Setenv("KUOTA_TEST_SECRET", "from-env")
	t.Setenv("KUOTA_TEST_EMPTY", "")

	tests := []struct {
		name   string
		secret string
		want   string // the secret, or the error
	}{
		{"file", `{"file": "token"}`, "s3cret"},
		{"file with CRLF", `{"file": "crlf"}`, "s3cret"},
		{"env", `{"env": "KUOTA_TEST_SECRET"}`, "from-env"},
		{"env not set", `{"env": "KUOTA_TEST_UNSET"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: env KUOTA_TEST_UNSET: not set`},
		{"env empty", `{"env": "KUOTA_TEST_EMPTY"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: env KUOTA_TEST_EMPTY: empty`},
		{"file missing", `{"file": "missing"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: file ` + filepath.Join(dir, "missing") + `: no such file or directory`},
		{"file others may read", `{"file": "shared"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: file ` + filepath.Join(dir, "shared") + `: mode 0644 lets group or others at it: make it 0600 or 0400`},
		{"file empty", `{"file": "empty"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: file ` + filepath.Join(dir, "empty") + `: empty`},
		{"file too large", `{"file": "big"}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: file ` + filepath.Join(dir, "big") + `: config: file too large: more than 65536 bytes`},
		{"a directory", `{"file": "."}`,
			`kuota.json:19:65: server.operator_token: config: secret not readable: file ` + dir + `: is a directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := withServer(t, `{"listen": ":8080", "db": "k.db", "operator_token": `+tt.secret+`}`)
			f, err := config.Parse("kuota.json", []byte(data), dir)
			require.NoError(t, err)
			got, err := f.Server.OperatorToken.Read()
			if err != nil {
				require.ErrorIs(t, err, config.ErrSecret)
				var ce *config.Error
				require.True(t, errors.As(err, &ce))
				got = err.Error()
			}
			require.Equal(t, tt.want, got)
		})
	}
}

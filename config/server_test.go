package config_test

import (
	"errors"
	"net/netip"
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

func TestServerGatewayErrors(t *testing.T) {
	tests := []struct {
		name   string
		server string
		want   string
	}{
		{"header without proxies", `{"listen": ":8080", "db": "k.db", "account_header": "X-Kuota-Account"}`,
			`kuota.json:19:65: server.account_header: config: bad value: an account header needs "trusted_proxies", the proxies allowed to set it: believed from anyone, it would let anyone act for any account`},
		{"header with a space", `{"listen": ":8080", "db": "k.db", "trusted_proxies": ["10.0.0.1"], "account_header": "X Account"}`,
			`kuota.json:19:98: server.account_header: config: bad value: header name "X Account", want letters, digits and - (at most 64 bytes)`},
		{"credential header", `{"listen": ":8080", "db": "k.db", "trusted_proxies": ["10.0.0.1"], "account_header": "authorization"}`,
			`kuota.json:19:98: server.account_header: config: bad value: header "authorization" carries credentials or a proxy's information, not an account: name a header of its own, such as X-Kuota-Account`},
		{"not a network", `{"listen": ":8080", "db": "k.db", "trusted_proxies": ["10.0.0.1", "gateway"]}`,
			`kuota.json:19:79: server.trusted_proxies[1]: config: bad value: network "gateway", want an address ("10.0.0.5") or a network ("10.0.0.0/24")`},
		{"every address", `{"listen": ":8080", "db": "k.db", "trusted_proxies": ["0.0.0.0/0"]}`,
			`kuota.json:19:67: server.trusted_proxies[0]: config: bad value: network "0.0.0.0/0" holds every address: it would trust every client`},
		{"advertise without a scheme", `{"listen": ":8080", "db": "k.db", "advertise": "10.0.0.7:8080"}`,
			`kuota.json:19:60: server.advertise: config: bad value: advertise "10.0.0.7:8080", want a base URL such as "http://10.0.0.7:8080" (at most 512 bytes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, withServer(t, tt.server), "")
			require.Equal(t, tt.want, err.Error())
		})
	}
}

func TestServerGateway(t *testing.T) {
	data := withServer(t, `{"listen": ":8080", "db": "k.db", "account_header": "X-Kuota-Account",
		"trusted_proxies": ["10.0.0.0/24", "192.168.1.7", "::ffff:10.1.2.3", "fd00::1/64"],
		"public_calendar": true, "advertise": "http://10.0.0.7:8080"}`)
	f, err := config.Parse("kuota.json", []byte(data), t.TempDir())
	require.NoError(t, err)
	s := f.Server
	require.Equal(t, "X-Kuota-Account", s.AccountHeader)
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/24"),
		netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("10.1.2.3/32"), // an IPv4-mapped address is the IPv4 one
		netip.MustParsePrefix("fd00::/64"),   // masked
	}
	require.Equal(t, want, s.TrustedProxies)
	require.True(t, s.PublicCalendar)
	require.Equal(t, "http://10.0.0.7:8080", s.Advertise)
}

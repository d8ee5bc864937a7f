#!/usr/bin/env bash
# chromium.sh finds the Chromium the browser tests drive, and installs
# Debian's chromium package when there is none.
#
#   chromium.sh path     print the browser's path, or fail when there is none
#   chromium.sh ensure   the same, installing Debian's package first if needed
#                        (as root: apt-get update, then apt-get install chromium)
#
# KUOTA_CHROMIUM, when set, names the browser and wins over the search.
# Progress goes to stderr; stdout carries only the path, so that a caller
# can write  export KUOTA_CHROMIUM=$(browsertest/scripts/chromium.sh ensure).
set -euo pipefail

die() { echo "chromium.sh: $*" >&2; exit 1; }

# find_chromium prints the first browser found: KUOTA_CHROMIUM, then the
# names Debian, other distributions and Google's builds use.
find_chromium() {
	if [ -n "${KUOTA_CHROMIUM:-}" ]; then
		[ -x "$KUOTA_CHROMIUM" ] || die "KUOTA_CHROMIUM=$KUOTA_CHROMIUM is not an executable file"
		echo "$KUOTA_CHROMIUM"
		return 0
	fi
	local name
	for name in chromium chromium-browser google-chrome-stable google-chrome headless-shell; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return 0
		fi
	done
	return 1
}

install_chromium() {
	[ "$(id -u)" -eq 0 ] || die "Chromium is missing and only root can apt-get install it"
	command -v apt-get >/dev/null 2>&1 || die "Chromium is missing and there is no apt-get to install it with"
	echo "chromium.sh: installing Debian's chromium package" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

case "${1:-}" in
path)
	find_chromium || die "no Chromium found (set KUOTA_CHROMIUM, or run: $0 ensure)"
	;;
ensure)
	if ! find_chromium; then
		install_chromium
		find_chromium || die "apt-get installed chromium, but no chromium is on PATH"
	fi
	;;
*)
	die "usage: $0 path|ensure"
	;;
esac

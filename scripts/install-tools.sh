#!/usr/bin/env bash
# Installs the local infrastructure Waybill runs on into .tools/ (git-ignored):
#   - Temporal CLI (dev server + Web UI)      go install, pinned
#   - FerretDB v1 (MongoDB wire protocol)     built from the pinned module, SQLite backend, with
#                                              scripts/patches/ferretdb-*.patch applied
#   - Java time-skipping test server          Maven Central, pinned, with a launcher script
# Idempotent: a tool whose pinned version is already installed is reused.
# No Docker needed; users who have Docker can use docker-compose.yml instead.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1      # later tags carry a replace directive and cannot be go-installed
FERRETDB_VERSION=v1.24.2
# The build's own stamp: bump the suffix whenever scripts/patches/ferretdb-* changes, so that a binary
# built before (unpatched, or with an older patch) is rebuilt rather than reused.
FERRETDB_BUILD="$FERRETDB_VERSION+waybill.2"
TEST_SERVER_VERSION=1.38.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FERRETDB_PATCHES=("$root/scripts/patches/ferretdb-$FERRETDB_VERSION-id-index.patch" "$root/scripts/patches/ferretdb-$FERRETDB_VERSION-bulk-update.patch")
tools="${WAYBILL_TOOLS_DIR:-$root/.tools}"
bin="$tools/bin"
mkdir -p "$bin"

quiet=0; [ "${1:-}" = "--quiet" ] && quiet=1   # --quiet: silent when everything is already installed
step=0; total=5
say() { [ "$quiet" = 1 ] || printf '[install-tools %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
begin() { step=$((step + 1)); say "($step/$total) $*"; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# Print a dot every 10 s so a long build shows it is alive.
with_progress() {
  quiet=0   # something is being built: always show progress
  local label="$1"; shift
  local start=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 10
    kill -0 "$pid" 2>/dev/null && say "  … $label still building ($((SECONDS - start)) s)"
  done
  wait "$pid"
  say "  $label done in $((SECONDS - start)) s"
}

need_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed (needed to build the Temporal CLI and FerretDB).
  Install Go 1.22+ (https://go.dev/dl or 'apt-get install golang'), or skip local tools and use
  Docker instead: 'docker compose up' (see README, 'With Docker')."
}
need_java() {
  command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 || die "Java 17+ and Maven are needed for the time-skipping test server.
  Install them ('apt-get install openjdk-17-jre-headless maven'), or use Docker: 'docker compose up' (see README)."
}

stamp_ok() { [ -x "$1" ] && [ -f "$1.version" ] && [ "$(cat "$1.version")" = "$2" ]; }

go_tool() { # name module version
  local name="$1" module="$2" version="$3"
  if stamp_ok "$bin/$name" "$version"; then say "  $name $version already installed"; return; fi
  need_go
  local gobin; gobin="$(mktemp -d)"
  # CGO off: both tools are pure Go (FerretDB's SQLite is modernc.org/sqlite), and a static binary
  # does not depend on the machine's libc.
  with_progress "$name" env GOBIN="$gobin" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$module@$version"
  mv "$gobin/$name" "$bin/$name"
  rm -rf "$gobin"
  echo "$version" > "$bin/$name.version"
}

begin "Temporal CLI $TEMPORAL_CLI_VERSION"
go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"

begin "FerretDB $FERRETDB_BUILD"
# 'go install …/ferretdb@v1.24.2' cannot work: the module proxy refuses the module's version list
# (needed for the deprecation check) and the published zip lacks build/version/version.txt, which
# FerretDB requires at start-up. So: download that exact version, add the file, apply Waybill's
# patches (each says what it fixes and why), build from the copy.
apply_patch() { # dir patch
  local dir="$1" p="$2"
  [ -f "$p" ] || die "patch $p is missing"
  if command -v patch >/dev/null 2>&1; then
    (cd "$dir" && patch -p1 --forward --batch --quiet < "$p") || die "patch $(basename "$p") does not apply to $(basename "$dir")"
  else
    # git apply resolves paths from the enclosing repository's top, and .tools/ may sit inside one:
    # make the copy a repository of its own first.
    (cd "$dir" && git init -q && git apply -p1 "$p") || die "patch $(basename "$p") does not apply to $(basename "$dir")"
  fi
  say "  applied $(basename "$p")"
}
if stamp_ok "$bin/ferretdb" "$FERRETDB_BUILD"; then
  say "  ferretdb $FERRETDB_BUILD already installed"
else
  need_go
  src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "could not download FerretDB $FERRETDB_VERSION from the Go module proxy"
  work="$tools/src/ferretdb-$FERRETDB_VERSION"
  rm -rf "$work"; mkdir -p "$tools/src"; cp -r "$src" "$work"; chmod -R u+w "$work"
  for p in "${FERRETDB_PATCHES[@]}"; do apply_patch "$work" "$p"; done
  # The stamp shows in buildInfo/explain's ferretdbVersion, so a running server says it is the patched build.
  echo "$FERRETDB_BUILD" > "$work/build/version/version.txt"
  # Build next to the final path, then rename: a server started meanwhile never runs a half-written file.
  with_progress "ferretdb" bash -c "cd '$work' && CGO_ENABLED=0 go build -trimpath -o '$bin/ferretdb.new' ./cmd/ferretdb"
  mv -f "$bin/ferretdb.new" "$bin/ferretdb"
  rm -rf "$work"
  echo "$FERRETDB_BUILD" > "$bin/ferretdb.version"
fi

begin "Temporal time-skipping test server $TEST_SERVER_VERSION (Maven Central)"
ts_dir="$tools/temporal-test-server"
launcher="$bin/temporal-test-server"
if stamp_ok "$launcher" "$TEST_SERVER_VERSION" && [ -d "$ts_dir/lib" ]; then
  say "  temporal-test-server $TEST_SERVER_VERSION already installed"
else
  need_java
  rm -rf "$ts_dir"; mkdir -p "$ts_dir"
  with_progress "temporal-test-server" mvn -B -q -f "$root/tools/test-server/pom.xml" \
    -DtestServerVersion="$TEST_SERVER_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ts_dir/lib"
  cat > "$launcher" <<LAUNCH
#!/usr/bin/env bash
# @temporalio/testing runs '<this> <port> [extraArgs]'; TestServer takes '<port> [--enable-time-skipping]'.
exec java -Xss1m -XX:+UseSerialGC -cp "$ts_dir/lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCH
  chmod +x "$launcher"
  echo "$TEST_SERVER_VERSION" > "$launcher.version"
fi

begin "docker-compose (only to validate docker-compose.yml; no Docker engine needed)"
if command -v docker-compose >/dev/null 2>&1; then
  say "  $(docker-compose version --short 2>/dev/null || echo present) already installed"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  with_progress "docker-compose" bash -c 'apt-get install -y -q docker-compose >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q docker-compose >/dev/null; }'
else
  say "  WARNING: docker-compose is missing and cannot be installed here (needs root + apt-get);"
  say "  the docker-compose.yml check will fail until it is installed ('apt-get install docker-compose')."
fi

begin "Chromium (Debian) for the browser tests, driven by playwright-core"
if command -v chromium >/dev/null 2>&1; then
  say "  $(chromium --version 2>/dev/null | head -1) already installed"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  with_progress "chromium" bash -c 'apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null; }'
else
  say "  WARNING: chromium is missing and cannot be installed here (needs root + apt-get);"
  say "  the browser tests will fail until it is installed ('apt-get install chromium')."
fi

say "all tools ready in $bin"

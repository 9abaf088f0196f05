#!/usr/bin/env bash
# Fuzzes every public endpoint of the API from its own OpenAPI document (GET /openapi.json) with
# schemathesis (pinned in scripts/fuzz-schemathesis.requirements.txt, installed into
# .tools/schemathesis-venv on first run), against a real `npm start` (Temporal dev server, FerretDB,
# simulators, worker, API) on free loopback ports in a temp DATA_DIR. Passes when:
#   - no response is a 5xx (schemathesis' not_a_server_error check; CHECKS=all for every check),
#   - no secret (admin token, keys, courier credentials) appears in any response (HAR) or log line.
# Usage: bash scripts/fuzz-schemathesis.sh   [MAX_EXAMPLES=25] [CHECKS=not_a_server_error] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=.tools/schemathesis-venv
if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/pip" freeze 2>/dev/null | grep -qxF "$(grep -v '^#' scripts/fuzz-schemathesis.requirements.txt)"; then
  echo "[fuzz] installing schemathesis into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r scripts/fuzz-schemathesis.requirements.txt
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
base_port() { # a base with 5 free ports after it (the simulators use base…base+3)
  node -e 'const net=require("net");const f=p=>new Promise(r=>{const s=net.createServer();s.once("error",()=>r(false));s.listen(p,"127.0.0.1",()=>s.close(()=>r(true)))});(async()=>{for(;;){const b=20000+Math.floor(Math.random()*30000);let ok=true;for(let i=0;i<5&&ok;i++)ok=await f(b+i);if(ok){console.log(b);return}}})()'
}

WORK=$(mktemp -d /tmp/waybill-fuzz-XXXXXX)
OUT=${OUT:-$ROOT/test-results/schemathesis}
mkdir -p "$OUT"
rm -f "$OUT"/har-*.json "$OUT"/junit-*.xml
export DATA_DIR=$WORK/data HOST=127.0.0.1 NODE_ENV=development
export PORT=$(free_port) TEMPORAL_DEV_PORT=$(free_port) TEMPORAL_UI_PORT=$(free_port) FERRETDB_PORT=$(free_port) SIMULATOR_BASE_PORT=$(base_port)
export WORKER_METRICS_PORT=0 WORKER_SDK_METRICS_PORT=0
export ADMIN_API_TOKENS="fuzz-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SECRETS_KEY=$(head -c 32 /dev/urandom | base64) CODEC_KEY=$(head -c 32 /dev/urandom | base64)
export PUBLIC_RATE_LIMIT_PER_MINUTE=100000 NOTIFY_EMAIL_ENABLED=false NOTIFY_WHATSAPP_ENABLED=false NOTIFY_ADMIN_EMAIL_ENABLED=false
COURIER_SECRET="fuzz-courier-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
API=http://127.0.0.1:$PORT

echo "[fuzz] npm start on $API (log: $WORK/waybill.log)"
setsid npm start --silent > "$WORK/waybill.log" 2>&1 &
PID=$!
cleanup() {
  kill -INT -- "-$PID" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$PID" 2>/dev/null || true
  cp "$WORK/waybill.log" "$OUT/waybill.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 360); do
  curl -fsS "$API/readyz" > /dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "[fuzz] npm start exited"; tail -50 "$WORK/waybill.log"; exit 1; }
  sleep 0.5
done
curl -fsS "$API/readyz" > /dev/null || { echo "[fuzz] not ready"; tail -50 "$WORK/waybill.log"; exit 1; }

# Courier settings with secrets of this run, so a leak of any of them would be seen below.
for c in shiprocket delhivery icarry; do
  curl -fsS -X PUT "$API/api/admin/couriers/$c" -H "Authorization: Bearer $ADMIN_API_TOKENS" -H 'content-type: application/json' \
    -d "{\"apiConfig\":{\"provider\":\"$c\",\"enabled\":false,\"apiKey\":\"$COURIER_SECRET-$c-key\",\"apiSecret\":\"$COURIER_SECRET-$c-pw\",\"webhookSecret\":\"$COURIER_SECRET-$c-hook\"}}" > /dev/null \
    || echo "[fuzz] (could not store $c settings; continuing)"
done

echo "[fuzz] schemathesis $(grep -v '^#' scripts/fuzz-schemathesis.requirements.txt) against $API/openapi.json"
set +e
"$VENV/bin/st" run "$API/openapi.json" \
  -H "Authorization: Bearer $ADMIN_API_TOKENS" \
  --checks "${CHECKS:-not_a_server_error}" \
  --max-examples "${MAX_EXAMPLES:-25}" \
  --seed "${SEED:-1}" \
  --workers 2 \
  --request-timeout 30 \
  --report junit,har --report-dir "$OUT"
ST=$?
set -e

LEAKS=0
for secret in "$ADMIN_API_TOKENS" "$SECRETS_KEY" "$CODEC_KEY" "$COURIER_SECRET"; do
  for f in "$WORK/waybill.log" "$OUT"/har-*.json; do
    [ -f "$f" ] || continue
    # The HAR holds our own requests (the admin token is in their headers): look at responses only.
    if [[ "$f" == */har-*.json ]]; then
      hits=$(python3 -c 'import json,sys; h=json.load(open(sys.argv[1])); s=sys.argv[2]; print(sum(1 for e in h["log"]["entries"] if s in json.dumps(e.get("response",{}))))' "$f" "$secret")
    else
      hits=$(grep -cF -- "$secret" "$f" || true)
    fi
    if [ "${hits:-0}" != "0" ]; then echo "[fuzz] SECRET LEAK: ${secret:0:6}… appears $hits× in $(basename "$f")"; LEAKS=1; fi
  done
done
echo "[fuzz] schemathesis exit $ST; secret leaks: $LEAKS; reports in $OUT"
[ "$ST" = 0 ] && [ "$LEAKS" = 0 ]

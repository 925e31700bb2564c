#!/usr/bin/env bash
# Reproduce tests/fixtures/faceapi/reference.json from the repo root:
#   scripts/faceapi_reference/run.sh
# Needs node >= 18, npm, and the repo venv (.venv/bin/python with Pillow).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO_ROOT/scripts/faceapi_reference"
FIXTURES="$REPO_ROOT/tests/fixtures/faceapi"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"

if [ ! -d "$HERE/node_modules/@vladmandic/face-api" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund)
fi

RAW_DIR="$(mktemp -d "${TMPDIR:-/tmp}/faceapi-raw.XXXXXX")"
trap 'rm -rf "$RAW_DIR"' EXIT

"$PYTHON" "$HERE/decode_with_pillow.py" "$FIXTURES" "$RAW_DIR"
node "$HERE/run.js" "$RAW_DIR" "$FIXTURES/reference.json"

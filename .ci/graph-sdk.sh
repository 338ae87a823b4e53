#!/usr/bin/env bash
# Microsoft's Graph SDK for Python (msgraph-sdk, from PyPI) against the fake's Microsoft Graph
# root: .ci/graph_sdk.py lists notebooks, creates a section, lists and reads pages, copies a
# section and polls the operation, and fails unless every answer deserializes into Microsoft's
# models with no property missing or unknown.
#
# It sets up all it needs inside the checkout: a virtualenv in target/graph-sdk/venv (never
# system-wide) with msgraph-sdk and every package it pulls in pinned in
# .ci/graph-sdk-requirements.txt (remade when the pins change; about 470 MB, a minute or two to
# install); the fake binary, built and started on 127.0.0.1 on a free port, and stopped on exit.
# Called from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
requirements=$root/.ci/graph-sdk-requirements.txt
# A user of the fake's demo tenant (`Tenant::demo`) with a notebook; `fake:` tokens are good
# for every audience.
token="fake:teacher1@contoso.com"

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
work=$target_dir/graph-sdk
venv=$work/venv
mkdir -p "$work"

echo "--- graph sdk: msgraph-sdk from $requirements"
if ! cmp -s "$requirements" "$venv/.requirements" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --requirement "$requirements"
    cp "$requirements" "$venv/.requirements"
fi

echo "--- graph sdk: the fake on 127.0.0.1"
cargo build --locked --quiet -p onenote-fake --bin onenote-fake
"$target_dir/debug/onenote-fake" --listen 127.0.0.1:0 >"$work/fake.log" 2>&1 &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT
base=""
for _ in $(seq 200); do
    base=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*/api' "$work/fake.log" || true)
    if [ -n "$base" ]; then
        break
    fi
    if ! kill -0 "$fake" 2>/dev/null; then
        cat "$work/fake.log" >&2
        echo "graph sdk: the fake exited before serving" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$base" ]; then
    echo "graph sdk: the fake printed no base URL within 20 s (see $work/fake.log)" >&2
    exit 1
fi

# Microsoft Graph's root is the fake's origin: {origin}/v1.0/me/onenote/….
graph="${base%/api}/v1.0"
echo "--- graph sdk: msgraph-sdk against $graph"
"$venv/bin/python" "$root/.ci/graph_sdk.py" "$graph" "$token"

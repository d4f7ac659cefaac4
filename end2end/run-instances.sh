#!/usr/bin/env bash
# Runs the two-instance Playwright scenario (instances.config.ts) on a fresh schema of the
# Postgres database POSTGRES_URL (first argument), dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")"
postgres=${1:?usage: run-instances.sh POSTGRES_URL}
schema="quire_e2e_pair_$$"
psql -q "$postgres" -c "create schema $schema" >/dev/null
trap 'psql -q "$postgres" -c "set client_min_messages = warning; drop schema if exists $schema cascade" >/dev/null 2>&1 || true' EXIT
separator='?'; [[ $postgres == *\?* ]] && separator='&'
export E2E_PAIR_DATABASE_URL="$postgres${separator}options=-c%20search_path%3D$schema"
npx playwright test -c instances.config.ts

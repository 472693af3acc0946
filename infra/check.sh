#!/usr/bin/env bash
# Type-checks sst.config.ts and infra/ against SST's real platform types, without an AWS account.
#
#   npm run check:infra                      `sst install` (npm registry only), then tsc
#   npm run check:infra -- --offline [DIR]   no network: SST's platform sources come out of the
#                                            sst binary (npm package sst-linux-x64) and the Pulumi
#                                            types from the root node_modules (exact versions SST pins)
#
# DIR (default: the repo) is a project tree holding sst.config.ts, infra/ and
# packages/core/src/store/ and cost/; tests pass a copy with a deliberate mistake.
# Only diagnostics in sst.config.ts and infra/ count: SST's own platform sources are compiled
# too (they come as .ts) and some trip our stricter flags/newer tsc, which says nothing about ours.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
offline=false
if [ "${1:-}" = "--offline" ]; then offline=true; shift; fi
project=$(cd "${1:-$root}" && pwd)

export SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1
export SST_STAGE=${SST_STAGE:-check}
sst="$root/node_modules/.bin/sst"
tsc="$root/node_modules/.bin/tsc"

if $offline; then
  # Stage a copy so a real .sst/ in the project is never touched.
  work=$(mktemp -d "${TMPDIR:-/tmp}/probemesh-infra-check.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  cp "$project/sst.config.ts" "$work/"
  cp -r "$project/infra" "$work/infra"
  mkdir -p "$work/packages/core/src"
  cp -r "$project/packages/core/src/store" "$work/packages/core/src/store"
  cp -r "$project/packages/core/src/cost" "$work/packages/core/src/cost"
  printf '{ "name": "probemesh-infra-check", "private": true, "type": "module" }\n' >"$work/package.json"
  ln -s "$root/node_modules" "$work/node_modules"

  # `sst install` first writes .sst/platform (sources embedded in the binary), then asks the npm
  # registry for the provider package. Pointing NPM_REGISTRY at a closed loopback port makes that
  # second step fail at once, with the platform already in place.
  log="$work/sst-install.log"
  if (cd "$work" && NPM_REGISTRY=http://127.0.0.1:9 "$sst" install --print-logs >"$log" 2>&1); then
    echo "check:infra: sst install unexpectedly succeeded offline" >&2
  elif ! grep -q "provider aws not found" "$log" || [ ! -f "$work/.sst/platform/src/global.d.ts" ]; then
    echo "check:infra: sst install did not extract the platform:" >&2
    cat "$log" >&2
    exit 1
  fi
  # The types file `sst install` writes once the aws provider is installed (sst 4.17.1, verbatim).
  cat >"$work/.sst/platform/config.d.ts" <<'EOF'
import "./src/global.d.ts"
import "../types.generated"
import { AppInput, App, Config } from "./src/config"
import * as _aws from "@pulumi/aws";


declare global {
  // @ts-expect-error
  export import aws = _aws
  interface Providers {
    providers?: {
      "aws"?:  (_aws.ProviderArgs & { package?: string, version?: string }) | string;
    }
  }
  export const $config: (
    input: Omit<Config, "app"> & {
      app(input: AppInput): Promise<Omit<App, "providers"> & Providers> | (Omit<App, "providers"> & Providers);
    },
  ) => Config;
}
EOF
  ln -s "$root/node_modules" "$work/.sst/platform/node_modules"
  checked=$work
else
  (cd "$project" && "$sst" install)
  checked=$project
fi

set +e
output=$(cd "$checked" && "$tsc" -p infra/tsconfig.json --pretty false 2>&1)
status=$?
set -e

# A diagnostic starts at column 0 with "file(line,col): error"; continuation lines are indented.
ours=$(printf '%s\n' "$output" | awk '/^[^ ]/ { keep = ($0 ~ /^(sst\.config\.ts|infra\/)/) } keep')
platform=$(printf '%s\n' "$output" | grep -c '^\.sst/platform/.*error TS' || true)

if [ -n "$ours" ]; then
  printf '%s\n' "$ours"
  echo "check:infra: type errors in sst.config.ts / infra/" >&2
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$platform" -eq 0 ]; then
  printf '%s\n' "$output" >&2
  echo "check:infra: tsc failed" >&2
  exit 1
fi
echo "check:infra: sst.config.ts and infra/ type-check against the $("$sst" version 2>/dev/null | head -1) platform types" \
  "($platform diagnostics inside SST's own platform sources ignored)"

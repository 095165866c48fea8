#!/usr/bin/env bash
# Proves a refactoring changed nothing that is synthesized: builds a base git ref (in a temporary
# worktree sharing this checkout's node_modules) and the working tree, synthesizes the example
# config and every good fixture config with each, exports the plain Terraform modules with each,
# and compares the outputs byte for byte.
#
#   scripts/compare-synth.sh <base ref>
#
# The working tree's fixtures are used for both sides, so a fixture added since the base is
# compared too. Exit 0 when every file is identical, 1 with a diff when not, 2 on bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-}
[ -n "$base" ] || { echo "usage: scripts/compare-synth.sh <base ref>" >&2; exit 2; }
git -C "$root" rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
  { echo "$base: not a commit in this repository" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
git -C "$root" worktree add --quiet --detach "$work/base" "$base"
ln -s "$root/node_modules" "$work/base/node_modules"

configs=("" "$root"/test/fixtures/configs/good/*)

# Synthesizes every config and exports the modules with the checkout at $1 into $2.
synthesize() {
  local checkout=$1 out=$2 config name
  mkdir -p "$out"
  (cd "$checkout" && node node_modules/typescript/bin/tsc -p tsconfig.build.json)
  for config in "${configs[@]}"; do
    name=$(basename "${config:-example}")
    (cd "$checkout" && PLATFORM_CONFIG="$config" CDKTF_OUTDIR="$out/$name" node dist/main.js >/dev/null)
  done
  (cd "$checkout" && node dist/scripts/modules.js --out "$out/terraform-modules" >/dev/null)
}

echo "synthesizing $base"
synthesize "$work/base" "$work/base-out"
echo "synthesizing the working tree"
synthesize "$root" "$work/head-out"

if diff -r "$work/base-out" "$work/head-out"; then
  count=$(find "$work/head-out" -type f | wc -l)
  echo "identical: $count files (${#configs[@]} configs and the exported modules)"
else
  echo "the synthesized output differs from $base" >&2
  exit 1
fi

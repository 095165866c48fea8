#!/usr/bin/env bash
# Releases the Terraform modules: checks that the committed modules are what the constructs
# export now and that terraform-modules/CHANGELOG.md has an entry for the version, then makes the
# annotated tag vX.Y.Z on HEAD. Push it yourself (git push origin vX.Y.Z) after a look.
#
#   scripts/release-modules.sh X.Y.Z
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: scripts/release-modules.sh X.Y.Z" >&2; exit 2; }
tag="v$version"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
  echo "$tag exists already" >&2; exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "the working tree has uncommitted changes: release from a clean checkout" >&2; exit 1
fi
grep -q "^## $version\$" terraform-modules/CHANGELOG.md ||
  { echo "terraform-modules/CHANGELOG.md has no '## $version' entry" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent build
node dist/scripts/modules.js --out "$out/modules" >/dev/null
if ! diff -r --exclude CHANGELOG.md "$out/modules" terraform-modules >/dev/null; then
  echo "terraform-modules/ is behind the constructs: run npm run modules -- --out terraform-modules and commit" >&2
  exit 1
fi
git tag -a "$tag" -m "Terraform modules $version (terraform-modules/CHANGELOG.md)"
echo "tagged $tag; publish it with: git push origin $tag"

#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry at pinned versions.
# The results are committed: `make demo` needs no npm and no network for them.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/zhijian/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {  # package@version path-inside-package target-name
  (cd "$work" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  cp "$work/package/$2" "$dest/$3"
  rm -rf "$work"/package "$work"/*.tgz
}
fetch htmx.org@2.0.11 dist/htmx.min.js htmx.min.js
fetch echarts@6.1.0 dist/echarts.min.js echarts.min.js
fetch swagger-ui-dist@5.32.0 swagger-ui-bundle.js swagger-ui-bundle.js
fetch swagger-ui-dist@5.32.0 swagger-ui.css swagger-ui.css
# The source map is not vendored; its reference would make collectstatic's manifest look for it.
sed -i '/sourceMappingURL=/d' "$dest/swagger-ui.css"
echo "vendored: htmx.org@2.0.11, echarts@6.1.0, swagger-ui-dist@5.32.0"
# Test-only: the accessibility engine the browser tests inject into public pages (MPL-2.0).
(cd "$work" && npm pack --silent axe-core@4.14.1 >/dev/null)
tar -xzf "$work"/axe-core-4.14.1.tgz -C "$work"
cp "$work/package/axe.min.js" tests/e2e/vendor/axe-4.14.1.min.js
cp "$work/package/LICENSE" tests/e2e/vendor/axe-core-LICENSE.txt
echo "vendored for tests: axe-core@4.14.1"

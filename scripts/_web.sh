# Sourced by the scripts: builds the web app from web/ into src/assay/server/static (needs Node 20 and npm).
# Dependencies are installed only when package-lock.json changed since the last install; the build runs only
# when a source did. `npm install` rather than `npm ci`: the lock holds only the platform packages our registry
# serves (rollup's linux-x64 binary, not the other platforms'), which `npm ci` reports as out of sync.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v npm >/dev/null 2>&1; then
  echo "Node.js 20 and npm are needed to build the web app from a checkout (an installed wheel carries it built)" >&2
  exit 1
fi
(
  cd "$root/web"
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.assay-lock; then
    npm install --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.assay-lock
  fi
  stamp="$root/src/assay/server/static/index.html"
  if [ ! -f "$stamp" ] || [ -n "$(find src index.html package-lock.json vite.config.ts -newer "$stamp" -print -quit)" ]; then
    npm run --silent build
  fi
)

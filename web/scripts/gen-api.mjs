// Regenerates the API client's types from the server's OpenAPI document, so they are never written by hand:
// dumps create_app().openapi() to web/openapi.json, then runs openapi-typescript into src/api/schema.ts.
// The app is built on a throwaway SQLite file in a temporary directory so no user's store is opened.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.ASSAY_PYTHON ?? resolve(web, "../.venv/bin/python");
if (!existsSync(python)) {
  console.error(`gen:api: no Python at ${python}; create the dev venv (see README) or set ASSAY_PYTHON`);
  process.exit(1);
}

const dump = `
import json, sys, tempfile, pathlib
from assay.server import create_app
from assay.server.settings import Settings
from assay.service import Service
with tempfile.TemporaryDirectory() as tmp:
    service = Service.from_url("sqlite:///" + str(pathlib.Path(tmp) / "openapi.db"))
    try:
        document = create_app(service, Settings(title="Assay")).openapi()
    finally:
        service.close()
sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\\n")
`;

const document = execFileSync(python, ["-c", dump], { cwd: web, encoding: "utf8", maxBuffer: 64 << 20 });
const openapi = resolve(web, "openapi.json");
writeFileSync(openapi, document);
execFileSync(resolve(web, "node_modules/.bin/openapi-typescript"), [openapi, "-o", resolve(web, "src/api/schema.ts")], {
  cwd: web,
  stdio: "inherit",
});

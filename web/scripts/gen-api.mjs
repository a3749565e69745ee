// Regenerates the API client's types from the server's OpenAPI document, so they are never written by hand:
// dumps create_app().openapi() to web/openapi.json, then runs openapi-typescript into src/api/schema.ts.
// The app is built on a throwaway SQLite file in a temporary directory so no user's store is opened.
// With --check, nothing is written: it exits 1 when the committed files differ from what the server makes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

const check = process.argv.includes("--check");
const document = execFileSync(python, ["-c", dump], { cwd: web, encoding: "utf8", maxBuffer: 64 << 20 });
const committed = { openapi: resolve(web, "openapi.json"), schema: resolve(web, "src/api/schema.ts") };
const out = check ? mkdtempSync(join(tmpdir(), "assay-gen-api-")) : null;
const target = out
  ? { openapi: join(out, "openapi.json"), schema: join(out, "schema.ts") }
  : committed;
try {
  writeFileSync(target.openapi, document);
  execFileSync(resolve(web, "node_modules/.bin/openapi-typescript"), [target.openapi, "-o", target.schema], {
    cwd: web,
    stdio: check ? "ignore" : "inherit",
  });
  if (check) {
    const stale = Object.keys(committed).filter(
      (key) => !existsSync(committed[key]) || readFileSync(committed[key], "utf8") !== readFileSync(target[key], "utf8"),
    );
    if (stale.length) {
      console.error(`gen:api --check: ${stale.map((key) => committed[key]).join(", ")} out of date; run npm run gen:api`);
      process.exitCode = 1;
    } else {
      console.log("gen:api --check: openapi.json and src/api/schema.ts match the server");
    }
  }
} finally {
  if (out) rmSync(out, { recursive: true, force: true });
}

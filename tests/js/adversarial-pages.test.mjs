// The JS twin of the core's adversarial-page test: every path of an export reads the same
// hostile pages (tests/fixtures/adversarial-pages.json, shared with the Rust test) to the same
// verdict — the same records, has_next and cursor, or the same error message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TaskProfilesClient, TaskProfilesError } from "task-profiles";
import { collect } from "./helpers.mjs";

const CASES = JSON.parse(readFileSync(new URL("../fixtures/adversarial-pages.json", import.meta.url), "utf8"));
const LAST_PAGE = '{"has_next":false,"records":[]}';

/**
 * A client whose server answers `body` to the first page's request (every time it is asked: a
 * page is read again as bytes when its text shows U+FFFD) and an empty last page after a cursor.
 */
function clientServing(body) {
  const fetch = async (request) => {
    const { starting_after: cursor } = await request.json();
    return new Response(cursor === undefined ? body : LAST_PAGE, { status: 200, headers: { "content-type": "application/json" } });
  };
  return new TaskProfilesClient({ baseUrl: "https://acme.eu.techwolf.ai", token: "t", fetch, maxRetries: 0 });
}

async function drain(stream) {
  const reader = stream.getReader();
  for (;;) if ((await reader.read()).done) return;
}

/** Every way to read an export: each runs the export to its end. */
const PATHS = {
  "for await": (exp) => collect(exp),
  "pages()": (exp) => collect(exp.pages()),
  "toArray()": (exp) => exp.toArray(),
  "stats()": (exp) => exp.stats(),
  "rawPages()": (exp) => collect(exp.rawPages()),
  'rawPages({ convertTo: "list" })': (exp) => collect(exp.rawPages({ convertTo: "list" })),
  'rawPages({ convertTo: "hierarchy" })': (exp) => collect(exp.rawPages({ convertTo: "hierarchy" })),
  "toCsvStream()": (exp) => drain(exp.toCsvStream()),
  "toNdjsonStream()": (exp) => drain(exp.toNdjsonStream()),
};

for (const { name, body, body_base64: base64, verdict } of CASES) {
  test(`${name}: the same verdict on every path`, async () => {
    const text = base64 === undefined ? body : Buffer.from(base64, "base64");
    for (const [path, run] of Object.entries(PATHS)) {
      const progress = [];
      const exp = clientServing(text).exportTaskProfiles({ onProgress: (p) => progress.push(p) });
      if (verdict.error !== undefined) {
        await assert.rejects(run(exp), (e) => {
          assert.ok(e instanceof TaskProfilesError, `${path}: ${e}`);
          assert.equal(e.kind, "protocol", path);
          assert.equal(e.message, verdict.error, path);
          return true;
        });
        assert.equal(progress.length, 0, `${path}: nothing was handed out`);
      } else {
        await run(exp);
        assert.deepEqual(progress[0], {
          pages: 1, records: verdict.records, cursor: verdict.has_next ? verdict.next_starting_after : undefined, hasNext: verdict.has_next,
        }, path);
        assert.equal(exp.done, true, path);
      }
    }
  });
}

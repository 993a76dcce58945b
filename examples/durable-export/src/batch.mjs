// One batch of a durable export, the body of a Workflow step: up to `batchPages` pages from a
// cursor, each read once as bytes and turned into CSV rows, NDJSON lines and statistics in wasm.
// Everything it makes goes to R2 under fixed keys; it returns only where the next batch starts.
import { TaskProfilesError, TaskStats, formatPage } from "task-profiles";
import { ConfigError, clientFor } from "../../edge-worker/src/upstream.mjs";
import { bucketOf } from "./config.mjs";
import { PART_FORMATS, batchMetadata, partKey, shardKey } from "./store.mjs";

// Retrying cannot help these: the request or the deployment must change first (the export can
// then be continued from its cursor). Everything else (5xx, 429, timeouts, cut bodies) is retried.
const PERMANENT_KINDS = new Set(["invalid_params", "auth"]);

/**
 * Exports batch `batch` of export `id`, starting after `cursor` (`undefined`: the beginning), as
 * attempt `attempt` of its step. Returns `{ cursor, hasNext, records }`: the next batch's cursor,
 * whether there is one, and the records this batch wrote; or `{ failed }`, the message of an
 * error that retrying cannot mend. Throws the others, for Workflows to retry the step.
 */
export async function exportBatch(env, { id, job, batch, cursor, attempt }) {
  try {
    return await writeBatch(env, { id, job, batch, cursor, attempt });
  } catch (e) {
    // Workflows keeps only the message of the last attempt: it says which batch, from where, and why.
    const where = `batch ${batch} (starting after ${cursor === undefined ? "the first employee" : JSON.stringify(cursor)})`;
    // Not a NonRetryableError: Workflows replaces its message with a generic one (unless an
    // experimental compatibility flag is set), and the message is what the operator needs.
    if (e instanceof ConfigError) return { failed: `${where}: config: ${e.message}` };
    if (e instanceof TaskProfilesError && PERMANENT_KINDS.has(e.kind)) return { failed: `${where}: ${describe(e)}` };
    if (e instanceof TaskProfilesError) throw new Error(`${where}: ${describe(e)}`);
    throw e;
  }
}

const describe = (e) => `${e.kind}${e.status ? ` ${e.status}` : ""}: ${e.message}`;

async function writeBatch(env, { id, job, batch, cursor, attempt }) {
  const bucket = bucketOf(env);
  const params = { ...job.params, startingAfter: cursor };
  if (cursor === undefined) delete params.startingAfter;
  const exp = clientFor(env).exportTaskProfiles(params);
  const stats = new TaskStats(job.topN === undefined ? {} : { topN: job.topN });
  // The header row once, at the top of the export's first part.
  const withHeader = batch === 0 && job.inherited.length === 0;
  const csv = [];
  const ndjson = [];
  let pages = 0;
  for await (const page of exp.rawPages()) {
    stats.addPage(page);
    csv.push(formatPage(page, { as: "csv", header: withHeader && pages === 0 }));
    ndjson.push(formatPage(page, { as: "ndjson" }));
    pages += 1;
    // Leaving the loop stops the export: exp.cursor is then the last record of this page.
    if (pages === job.batchPages) break;
  }
  const result = { cursor: exp.cursor, hasNext: !exp.done, records: exp.recordsHandedOut };

  const csvBody = new Blob(csv);
  const ndjsonBody = new Blob(ndjson);
  await Promise.all([
    bucket.put(partKey(id, batch, "csv"), csvBody, { httpMetadata: { contentType: PART_FORMATS.csv } }),
    bucket.put(partKey(id, batch, "ndjson"), ndjsonBody, { httpMetadata: { contentType: PART_FORMATS.ndjson } }),
  ]);
  // The shard last: once it exists, the batch's parts are complete.
  const metadata = batchMetadata({ ...result, pages, attempt, csvBytes: csvBody.size, ndjsonBytes: ndjsonBody.size });
  await bucket.put(shardKey(id, batch), JSON.stringify(stats.toJSON()), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: metadata,
  });
  return result;
}

// The routes of the durable export; each is `(request, env, corsHeaders, id?) → Response` and runs
// after the caller was authorised.
import { bucketOf, stepConfig, workflowOf } from "./config.mjs";
import { instanceOf, instanceState, isFinished } from "./instances.mjs";
import { jobFrom, readBody } from "./jobs.mjs";
import { RequestError } from "./request-error.mjs";
import { PART_FORMATS, getJson, jobKey, manifestKey, ownProgress, putJson, summaryKey, totals, treeKey } from "./store.mjs";

/** POST /exports: stores the job and starts its Workflow instance; answers 202 with the id. */
export async function createExport(request, env, cors) {
  const job = await jobFrom(env, await readBody(request));
  stepConfig(env); // a misconfigured deployment fails here, not in the instance
  const bucket = bucketOf(env);
  const id = crypto.randomUUID();
  await putJson(bucket, jobKey(id), job);
  try {
    await workflowOf(env).create({ id, params: job });
  } catch (e) {
    await bucket.delete(jobKey(id));
    throw e;
  }
  const body = { id, status: "queued", ...(job.continues ? { continues: job.continues } : {}), links: links(id) };
  return Response.json(body, { status: 202, headers: { ...cors, location: `/exports/${id}` } });
}

/** GET /exports/:id: the instance's status and the export's progress. */
export async function showExport(request, env, cors, id) {
  return Response.json(await describe(env, id), { headers: cors });
}

/** DELETE /exports/:id: terminates a running export (its batches so far stay, to be continued). */
export async function terminateExport(request, env, cors, id) {
  await jobOf(env, id);
  const instance = await instanceOf(env, id);
  const state = instance === undefined ? { status: "expired" } : await instance.status();
  const nothingToTerminate = (status) => new RequestError(409, "conflict", `export ${id} is ${status}: there is nothing to terminate`);
  if (isFinished(state.status)) throw nothingToTerminate(state.status);
  try {
    await instance.terminate();
  } catch (e) {
    // It may have finished since we looked.
    const now = await instanceState(env, id);
    if (isFinished(now.status)) throw nothingToTerminate(now.status);
    throw e;
  }
  return Response.json(await describe(env, id), { headers: cors });
}

/** GET /exports/:id/summary and /tree: the merged statistics, once the export is complete. */
function statsFile(keyOf) {
  return async (request, env, cors, id) => {
    await manifestOf(env, id);
    const object = await bucketOf(env).get(keyOf(id));
    if (object === null) throw new RequestError(404, "not_found", `export ${id} has no ${keyOf(id).split("/").pop()}`);
    return new Response(object.body, { headers: { ...cors, "content-type": "application/json" } });
  };
}
export const summaryFile = statsFile(summaryKey);
export const treeFile = statsFile(treeKey);

/** GET /exports/:id/export.csv and .ndjson: the parts, concatenated, streamed from R2. */
export function exportFile(format) {
  return async (request, env, cors, id) => {
    const manifest = await manifestOf(env, id);
    const length = manifest[`${format}Bytes`];
    const body = concatenated(bucketOf(env), manifest.parts.map((part) => part[format]), length);
    return new Response(body, {
      headers: {
        ...cors,
        "content-type": PART_FORMATS[format],
        "content-disposition": `attachment; filename="task-profiles-${id}.${format}"`,
      },
    });
  };
}

/** The objects at `keys` as one stream of `length` bytes (sent with that Content-Length). */
function concatenated(bucket, keys, length) {
  const { readable, writable } = new FixedLengthStream(length);
  (async () => {
    for (const key of keys) {
      const object = await bucket.get(key);
      if (object === null) throw new Error(`the part ${key} is missing from R2`);
      await object.body.pipeTo(writable, { preventClose: true });
    }
    await writable.close();
  })().catch((e) => {
    console.error(`export stream cut short: ${e.message}`);
    return writable.abort(e).catch(() => {});
  });
  return readable;
}

async function jobOf(env, id) {
  const job = await getJson(bucketOf(env), jobKey(id));
  if (job === undefined) throw new RequestError(404, "not_found", `there is no export ${id}`);
  return job;
}

/** The manifest of a complete export; a 409 naming the status when it is not complete. */
async function manifestOf(env, id) {
  await jobOf(env, id);
  const manifest = await getJson(bucketOf(env), manifestKey(id));
  if (manifest !== undefined) return manifest;
  const { status } = await instanceState(env, id);
  throw new RequestError(409, "not_ready", `export ${id} is ${status}: its results are written when it completes`);
}

/** What GET /exports/:id answers. */
async function describe(env, id) {
  const job = await jobOf(env, id);
  const bucket = bucketOf(env);
  const [state, own, manifest] = await Promise.all([instanceState(env, id), ownProgress(bucket, id), bucket.head(manifestKey(id))]);
  const inherited = totals(job.inherited);
  const status = manifest !== null ? "complete" : state.status;
  return {
    id,
    status,
    ...(state.error ? { error: state.error } : {}),
    ...(job.continues ? { continues: job.continues } : {}),
    params: job.params,
    batchPages: job.batchPages,
    progress: {
      records: inherited.records + own.records,
      pages: inherited.pages + own.pages,
      parts: inherited.batches + own.batches,
      // Where a continuation would start (absent once the export has no more pages).
      cursor: own.last ? own.last.cursor : job.params.startingAfter,
      hasNext: own.last ? own.last.hasNext : job.hasNext,
      retriedSteps: own.retriedSteps,
      retries: own.retries,
    },
    links: links(id),
  };
}

function links(id) {
  const self = `/exports/${id}`;
  return { self, summary: `${self}/summary`, tree: `${self}/tree`, csv: `${self}/export.csv`, ndjson: `${self}/export.ndjson` };
}

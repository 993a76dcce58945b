// What `POST /exports` asks for, checked and turned into a job (the Workflow instance's payload,
// kept as job.json): a new export, or the continuation of one that stopped.
import { TaskStats } from "task-profiles";
import { clientFor } from "../../edge-worker/src/upstream.mjs";
import { bucketOf } from "./config.mjs";
import { instanceState, isFinished } from "./instances.mjs";
import { RequestError } from "./request-error.mjs";
import { getJson, jobKey, ownProgress } from "./store.mjs";

/** The export's own parameters, as `client.exportTaskProfiles` takes them. */
const EXPORT_FIELDS = ["include", "limit", "responseFormat", "externalVendor", "filters", "startingAfter"];
const JOB_FIELDS = ["batchPages", "topN"];
const DEFAULT_BATCH_PAGES = 20;
// A batch holds its pages' CSV and NDJSON in memory until they are written (about 0.9 MiB per
// page of 100 employees with every include, and as much again while they are handed to R2):
// 25 pages stay well inside a worker's 128 MB.
const MAX_BATCH_PAGES = 25;
const MAX_BODY_BYTES = 64 * 1024;
/** Export ids are the UUIDs this worker gives its Workflow instances. */
export const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The request's body as an object (an empty body is `{}`). */
export async function readBody(request) {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new RequestError(413, "too_large", `the body is over ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === "") return {};
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, "invalid_request", "the body is not JSON: send a JSON object of export parameters");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError(400, "invalid_request", "the body must be a JSON object of export parameters");
  }
  return body;
}

/**
 * The job `body` asks for: `{ params, batchPages, topN?, inherited, hasNext, continues? }`, where
 * `inherited` lists the batches done by earlier exports (`[{ instance, batches, records, pages }]`).
 */
export async function jobFrom(env, body) {
  if (Object.hasOwn(body, "continues")) return continuation(env, body);
  const unknown = Object.keys(body).find((field) => !EXPORT_FIELDS.includes(field) && !JOB_FIELDS.includes(field));
  if (unknown !== undefined) {
    throw invalid(unknown, `unknown field (expected ${[...EXPORT_FIELDS, ...JOB_FIELDS, "continues"].join(", ")})`);
  }
  const params = Object.fromEntries(EXPORT_FIELDS.filter((field) => Object.hasOwn(body, field)).map((field) => [field, body[field]]));
  // The library checks the parameters (kind invalid_params, naming the field) and sends nothing.
  clientFor(env).exportTaskProfiles(params);
  const batchPages = body.batchPages ?? DEFAULT_BATCH_PAGES;
  if (!Number.isInteger(batchPages) || batchPages < 1 || batchPages > MAX_BATCH_PAGES) {
    throw invalid("batchPages", `expected an integer from 1 to ${MAX_BATCH_PAGES} (pages per step)`);
  }
  if (body.topN !== undefined) new TaskStats({ topN: body.topN }); // checked as the statistics will take it
  return { params, batchPages, ...(body.topN === undefined ? {} : { topN: body.topN }), inherited: [], hasNext: true };
}

/**
 * The job that finishes export `body.continues`, which errored or was terminated: its parameters,
 * its completed batches inherited, and its last cursor as the start.
 */
async function continuation(env, body) {
  const extra = Object.keys(body).find((field) => field !== "continues" && field !== "startingAfter");
  if (extra !== undefined) throw invalid(extra, "not allowed with continues: a continuation keeps the parameters of the export it continues");
  const previous = body.continues;
  if (typeof previous !== "string" || !EXPORT_ID.test(previous)) throw invalid("continues", "expected the id of an export");
  const bucket = bucketOf(env);
  const job = await getJson(bucket, jobKey(previous));
  if (job === undefined) throw new RequestError(404, "not_found", `continues: there is no export ${previous}`);
  const state = await instanceState(env, previous);
  if (!isFinished(state.status)) {
    throw new RequestError(409, "conflict", `continues: export ${previous} is ${state.status}; terminate it first (DELETE /exports/${previous})`);
  }
  if (state.status === "complete") throw new RequestError(409, "conflict", `continues: export ${previous} is complete`);

  const own = await ownProgress(bucket, previous);
  const cursor = own.last ? own.last.cursor : job.params.startingAfter;
  const hasNext = own.last ? own.last.hasNext : job.hasNext;
  if (Object.hasOwn(body, "startingAfter") && body.startingAfter !== cursor) {
    throw new RequestError(409, "conflict", `startingAfter: export ${previous} stopped after ${JSON.stringify(cursor ?? null)}; ` +
      "continue from there (or leave startingAfter out), or start a new export without continues");
  }
  const params = { ...job.params, startingAfter: cursor };
  if (cursor === undefined) delete params.startingAfter;
  const segment = { instance: previous, batches: own.batches, records: own.records, pages: own.pages };
  return {
    params,
    batchPages: job.batchPages,
    ...(job.topN === undefined ? {} : { topN: job.topN }),
    inherited: own.batches > 0 ? [...job.inherited, segment] : job.inherited,
    hasNext,
    continues: previous,
  };
}

function invalid(field, message) {
  return new RequestError(400, "invalid_params", `${field}: ${message}`);
}

// Where a durable export keeps its files in R2, and what its batches say about its progress.
// Every key is fixed by the export's id and the batch's index, so a retried step overwrites what
// an earlier attempt wrote instead of adding to it:
//   exports/<id>/job.json                 the parameters and the batches inherited from earlier exports
//   exports/<id>/parts/<batch>.csv        the batch's CSV rows (the header only in the export's first part)
//   exports/<id>/parts/<batch>.ndjson     the batch's records, one per line
//   exports/<id>/shards/<batch>.json      the batch's TaskStats.toJSON(), written last: its presence
//                                         means the batch is complete; its custom metadata holds the
//                                         batch's records, pages, cursor, hasNext, attempt and part sizes
//   exports/<id>/summary.json, tree.json  the merged statistics, written by the final step
//   exports/<id>/manifest.json            the parts to concatenate, written last of all

/** The formats of the parts, with the content type each is served as. */
export const PART_FORMATS = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

const prefix = (id) => `exports/${id}/`;
// Six digits keep R2's lexicographic listing in batch order up to 999,999 batches (Workflows
// allow at most 25,000 steps per instance).
const padded = (batch) => String(batch).padStart(6, "0");

export const jobKey = (id) => `${prefix(id)}job.json`;
export const partKey = (id, batch, format) => `${prefix(id)}parts/${padded(batch)}.${format}`;
export const shardKey = (id, batch) => `${prefix(id)}shards/${padded(batch)}.json`;
export const summaryKey = (id) => `${prefix(id)}summary.json`;
export const treeKey = (id) => `${prefix(id)}tree.json`;
export const manifestKey = (id) => `${prefix(id)}manifest.json`;

/** Writes `value` as a JSON object. */
export function putJson(bucket, key, value) {
  return bucket.put(key, JSON.stringify(value), { httpMetadata: { contentType: "application/json" } });
}

/** The JSON object at `key`, or `undefined` when there is none. */
export async function getJson(bucket, key) {
  const object = await bucket.get(key);
  return object === null ? undefined : object.json();
}

/** A batch's shard metadata as R2 stores it (strings only). */
export function batchMetadata({ records, pages, cursor, hasNext, attempt, csvBytes, ndjsonBytes }) {
  return {
    records: String(records),
    pages: String(pages),
    cursor: cursor ?? "",
    hasNext: String(hasNext),
    attempt: String(attempt),
    csvBytes: String(csvBytes),
    ndjsonBytes: String(ndjsonBytes),
  };
}

/** A batch's shard metadata read back as numbers and booleans (`cursor` is `undefined` after the last page). */
export function readBatchMetadata(metadata) {
  return {
    records: Number(metadata.records),
    pages: Number(metadata.pages),
    cursor: metadata.cursor || undefined,
    hasNext: metadata.hasNext === "true",
    attempt: Number(metadata.attempt),
    csvBytes: Number(metadata.csvBytes),
    ndjsonBytes: Number(metadata.ndjsonBytes),
  };
}

/**
 * What the export `id` has completed by itself (inherited batches not included), from its shards:
 * `{ batches, records, pages, retriedSteps, retries, last }` where `last` is the metadata of its
 * latest batch (`undefined` before the first).
 */
export async function ownProgress(bucket, id) {
  const progress = { batches: 0, records: 0, pages: 0, retriedSteps: 0, retries: 0, last: undefined };
  let cursor;
  do {
    const listing = await bucket.list({ prefix: `${prefix(id)}shards/`, include: ["customMetadata"], cursor });
    for (const object of listing.objects) {
      const batch = readBatchMetadata(object.customMetadata ?? {});
      progress.batches += 1;
      progress.records += batch.records;
      progress.pages += batch.pages;
      if (batch.attempt > 1) progress.retriedSteps += 1;
      progress.retries += batch.attempt - 1;
      progress.last = batch;
    }
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor !== undefined);
  return progress;
}

/** Sums the segments' `{ batches, records, pages }`. */
export function totals(segments) {
  return segments.reduce((sum, s) => ({ batches: sum.batches + s.batches, records: sum.records + s.records, pages: sum.pages + s.pages }),
    { batches: 0, records: 0, pages: 0 });
}

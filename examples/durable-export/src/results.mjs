// The final step of a durable export: the batches' statistics shards merged into one summary and
// tree (exact: merging shards equals one pass), and the manifest of the parts to concatenate.
import { TaskStats } from "task-profiles";
import { bucketOf } from "./config.mjs";
import { manifestKey, partKey, putJson, readBatchMetadata, shardKey, summaryKey, treeKey } from "./store.mjs";

/** Shards read at a time: Workers allow six simultaneous connections per invocation. */
const PARALLEL_READS = 6;

/** Every batch of export `id`, its inherited segments' and its own `batches`, in order: `[{ instance, batch }]`. */
function batchesOf(id, job, batches) {
  const segments = [...job.inherited, { instance: id, batches }];
  return segments.flatMap(({ instance, batches: count }) => Array.from({ length: count }, (_, batch) => ({ instance, batch })));
}

/**
 * Writes summary.json, tree.json and, last, manifest.json of export `id`, whose own batches
 * numbered `batches`. Returns `{ employees, batches }`, or `{ failed }` when a retry cannot help.
 */
export async function writeResults(env, { id, job, batches }) {
  const bucket = bucketOf(env);
  const all = batchesOf(id, job, batches);
  const total = new TaskStats(job.topN === undefined ? {} : { topN: job.topN });
  const parts = [];
  let records = 0;
  for (let i = 0; i < all.length; i += PARALLEL_READS) {
    const read = all.slice(i, i + PARALLEL_READS).map(async (b) => ({ ...b, shard: await bucket.get(shardKey(b.instance, b.batch)) }));
    for (const { instance, batch, shard } of await Promise.all(read)) {
      // Only deleting objects by hand makes one disappear: a retry would not bring it back.
      if (shard === null) return { failed: `results: the statistics of batch ${batch} of export ${instance} are missing from R2` };
      total.merge(TaskStats.fromJSON(await shard.text()));
      const metadata = readBatchMetadata(shard.customMetadata ?? {});
      records += metadata.records;
      parts.push({
        csv: partKey(instance, batch, "csv"),
        ndjson: partKey(instance, batch, "ndjson"),
        csvBytes: metadata.csvBytes,
        ndjsonBytes: metadata.ndjsonBytes,
      });
    }
  }
  const summary = total.summary();
  if (summary.employees !== records) {
    // Each record is counted once by the statistics and once by the batch that wrote it.
    return { failed: `results: the batches wrote ${records} records but their statistics count ${summary.employees} employees` };
  }
  await Promise.all([putJson(bucket, summaryKey(id), summary), putJson(bucket, treeKey(id), total.tree())]);
  const sum = (field) => parts.reduce((n, part) => n + part[field], 0);
  await putJson(bucket, manifestKey(id), { employees: records, csvBytes: sum("csvBytes"), ndjsonBytes: sum("ndjsonBytes"), parts });
  return { employees: records, batches: parts.length };
}

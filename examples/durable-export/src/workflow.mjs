// The durable export as a Cloudflare Workflow: one step per batch of pages, each starting from the
// cursor the previous one returned, then one step that merges the statistics. Workflows persists
// each step's small result and retries a failed step with backoff; a batch step rewrites its own
// R2 keys, so a retry never duplicates rows. No wasm object outlives the step that made it.
import { WorkflowEntrypoint } from "cloudflare:workers";
import { exportBatch } from "./batch.mjs";
import { stepConfig } from "./config.mjs";
import { writeResults } from "./results.mjs";

/**
 * `event.payload` is the job that `POST /exports` stored as job.json: `{ params, batchPages, topN,
 * inherited, hasNext }`. The result is `{ employees, batches }`.
 */
export class DurableExport extends WorkflowEntrypoint {
  async run(event, step) {
    const job = event.payload;
    const id = event.instanceId;
    const config = stepConfig(this.env);
    let cursor = job.params.startingAfter;
    let hasNext = job.hasNext;
    let batches = 0;
    while (hasNext) {
      const batch = batches;
      const from = cursor;
      // When this step's retries run out, the instance ends errored with a message naming the
      // batch and `from`, the cursor to continue from (GET /exports/:id answers it too).
      const result = await step.do(`batch-${batch}`, config,
        (context) => exportBatch(this.env, { id, job, batch, cursor: from, attempt: context?.attempt ?? 1 }));
      failIf(result);
      ({ cursor, hasNext } = result);
      batches += 1;
    }
    return failIf(await step.do("results", config, () => writeResults(this.env, { id, job, batches })));
  }
}

/** A step's `{ failed }` ends the instance, errored with that message; any other result passes. */
function failIf(result) {
  if (result.failed !== undefined) throw new Error(result.failed);
  return result;
}

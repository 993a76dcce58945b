// An export drained to the end however often it gives up: each `TaskProfilesError` starts a new
// export from `err.cursor`, as the README tells callers to do.
import { TaskProfilesError } from "task-profiles";

/**
 * Drains `params`' export through `consumer(exp, segment, context)`, resuming from `err.cursor`
 * after each give-up. Returns the segments, one per export: `{ startingAfter, ids, progress,
 * error }` plus what the consumer kept. `signal` bounds the whole drain: an export still running
 * when it fires is reported as hung, never resumed.
 */
export async function drainWithResumption({ client, params, consumer, context, maxSegments, signal }) {
  const segments = [];
  let startingAfter;
  for (;;) {
    const segment = { startingAfter, ids: [], progress: [], error: undefined };
    segments.push(segment);
    const exp = client.exportTaskProfiles({
      ...params,
      ...(startingAfter === undefined ? {} : { startingAfter }),
      signal,
      onProgress: (progress) => segment.progress.push(progress),
    });
    try {
      await consumer(exp, segment, context);
      return segments;
    } catch (error) {
      if (signal.aborted) {
        throw new Error(`the export did not finish in time (hung?) after ${segments.length} exports and ${segment.ids.length} records in the last`, { cause: error });
      }
      if (!(error instanceof TaskProfilesError) || error.kind === "invalid_params") throw error;
      segment.error = error;
      if (segments.length >= maxSegments) {
        throw new Error(`gave up ${segments.length} times; the last: ${error.kind} ${error.message}`, { cause: error });
      }
      startingAfter = error.cursor;
    }
  }
}

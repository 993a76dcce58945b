// The Workflow instances behind the exports: their state, as the Workflows binding reports it.
import { workflowOf } from "./config.mjs";

// Workflows keeps a finished instance's state for a few days (7 by default on the paid plan);
// the export's files in R2 stay until deleted. An instance it no longer knows is "expired".
const FINISHED = new Set(["complete", "errored", "terminated", "expired"]);

/** Whether an instance in `status` will do nothing more. */
export const isFinished = (status) => FINISHED.has(status);

/** The Workflow instance `id`, or `undefined` when Workflows does not know it. */
export async function instanceOf(env, id) {
  try {
    return await workflowOf(env).get(id);
  } catch (e) {
    if (/not[_ ]found/i.test(String(e?.message))) return undefined;
    throw e;
  }
}

/**
 * `{ status, error? }` of instance `id`: status is Workflows' (queued, running, paused, waiting,
 * errored, terminated, complete, …) or "expired"; error is `{ name, message }` when it errored.
 */
export async function instanceState(env, id) {
  const instance = await instanceOf(env, id);
  if (instance === undefined) return { status: "expired" };
  const { status, error } = await instance.status();
  if (!error) return { status };
  return { status, error: typeof error === "string" ? { name: "Error", message: error } : { name: error.name, message: error.message } };
}

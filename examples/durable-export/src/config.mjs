// The deployment's settings for the Workflow's steps, read from the worker's environment. They are
// checked when an export is created (a mistake is a 500 naming the variable there) and again by
// the Workflow itself.
import { ConfigError } from "../../edge-worker/src/upstream.mjs";

/** Retries of a failed step, after its first attempt (Workflows' own default is 5). */
const DEFAULT_RETRY_LIMIT = 5;
/** Wait before the first retry; with exponential backoff it doubles on each retry after. */
const DEFAULT_RETRY_DELAY = "30 seconds";
const DEFAULT_BACKOFF = "exponential";
/** Wall time an attempt may take; a batch of 20 pages takes seconds, a slow endpoint minutes. */
const DEFAULT_TIMEOUT = "10 minutes";

const BACKOFFS = ["constant", "linear", "exponential"];
// What Workflows accepts as a duration: milliseconds, or a count and a unit.
const DURATION = /^[1-9]\d* (second|minute|hour|day|week)s?$/;

/**
 * The `step.do` configuration `{ retries: { limit, delay, backoff }, timeout }` from
 * `STEP_RETRY_LIMIT`, `STEP_RETRY_DELAY`, `STEP_RETRY_BACKOFF` and `STEP_TIMEOUT`.
 */
export function stepConfig(env) {
  return {
    retries: {
      limit: retryLimit(env.STEP_RETRY_LIMIT),
      delay: duration("STEP_RETRY_DELAY", env.STEP_RETRY_DELAY, DEFAULT_RETRY_DELAY),
      backoff: backoff(env.STEP_RETRY_BACKOFF),
    },
    timeout: duration("STEP_TIMEOUT", env.STEP_TIMEOUT, DEFAULT_TIMEOUT),
  };
}

function retryLimit(raw) {
  if (raw === undefined || raw === "") return DEFAULT_RETRY_LIMIT;
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw).trim()) || !Number.isSafeInteger(value)) {
    throw new ConfigError("STEP_RETRY_LIMIT must be a non-negative integer (retries of a failed step)");
  }
  return value;
}

/** A duration variable: digits are milliseconds, else "<count> <unit>" as Workflows writes it. */
function duration(name, raw, fallback) {
  if (raw === undefined || raw === "") return fallback;
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (DURATION.test(text)) return text;
  throw new ConfigError(`${name} must be milliseconds or a duration such as "30 seconds" or "10 minutes"`);
}

function backoff(raw) {
  if (raw === undefined || raw === "") return DEFAULT_BACKOFF;
  if (!BACKOFFS.includes(raw)) throw new ConfigError(`STEP_RETRY_BACKOFF must be one of ${BACKOFFS.join(", ")}`);
  return raw;
}

/** The R2 bucket the exports are written to (binding `EXPORTS_BUCKET`). */
export function bucketOf(env) {
  if (!env.EXPORTS_BUCKET) throw new ConfigError("bind an R2 bucket as EXPORTS_BUCKET (see wrangler.toml)");
  return env.EXPORTS_BUCKET;
}

/** The Workflow binding that runs the exports (binding `EXPORT_WORKFLOW`). */
export function workflowOf(env) {
  if (!env.EXPORT_WORKFLOW) throw new ConfigError("bind the DurableExport Workflow as EXPORT_WORKFLOW (see wrangler.toml)");
  return env.EXPORT_WORKFLOW;
}

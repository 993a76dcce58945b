// The faults each soak run injects, as sandbox flags, and what the sandbox says it injected.
import { startSandbox } from "../runtimes/helpers.mjs";

/** The tenant every sandbox of the soak serves: the fault-free one and each run's faulty one. */
export const TENANT_SEED = "42";

/**
 * Faults per run, by sandbox flag: how many of each kind a run should meet on average, whatever
 * its page size (a share is this count over the run's requests, so that small pages do not
 * multiply the waits). Retryable kinds without `Retry-After` cost a backoff each (500 ms doubling,
 * full jitter: the package's backoff cannot be shortened), so they are the fewest.
 */
export const FAULTS_PER_RUN = {
  "fail-429": 4, // with Retry-After (0 s for patient clients, 1 s for impatient ones)
  "fail-429-no-retry-after": 1,
  "fail-500": 1,
  "fail-502": 1,
  "fail-503": 1,
  "cut-body": 2, // the connection aborted mid-body
  "truncate-body": 2, // a clean, shorter body: invalid JSON
  "revoke-token": 3, // a 401 that a fresh token from /oauth/token fixes
  "latency-spike": 2,
};

/** A latency spike's extra delay; impatient clients time out before it ends. */
export const SPIKE_MS = 300;

/**
 * The two kinds of client a run uses. Patient: the defaults' retries, Retry-After 0, a timeout
 * longer than a spike, so every transient fault is ridden out. Impatient: one retry, a timeout
 * shorter than a spike, and a Retry-After (1 s) longer than it accepts: faults make it give up,
 * so the resumption from `err.cursor` is exercised on every kind.
 */
export const CLIENTS = {
  patient: { options: { maxRetries: 4, timeoutMs: 10_000 }, retryAfterSecs: 0 },
  impatient: { options: { maxRetries: 1, timeoutMs: 150, maxRetryAfterMs: 500 }, retryAfterSecs: 1 },
};

/** Sandbox flags for a run of `pages` pages (its fault-free request count). */
export function sandboxFlags({ employees, faultSeed, pages, retryAfterSecs }) {
  const flags = ["--employees", String(employees), "--seed", TENANT_SEED, "--fault-seed", String(faultSeed),
    "--retry-after-secs", String(retryAfterSecs), "--latency-spike-ms", String(SPIKE_MS)];
  for (const [flag, perRun] of Object.entries(FAULTS_PER_RUN)) {
    // Capped so that a tiny export still gets through in a few attempts per page.
    flags.push(`--${flag}`, String(Math.min(0.05, perRun / pages)));
  }
  return flags;
}

/** The sandbox's counters (`GET /stats`): requests, tokens, and faults injected by flag name. */
export async function sandboxCounters(url) {
  const response = await fetch(`${url}/stats`);
  if (!response.ok) throw new Error(`GET /stats: HTTP ${response.status}`);
  const counters = await response.json();
  if (typeof counters.faults !== "object" || counters.faults === null) {
    throw new Error("GET /stats has no fault counts: rebuild the sandbox (make sandbox)");
  }
  return counters;
}

/** Starts a sandbox with `flags`, runs `fn(sandbox)`, and stops it whatever happens. */
export async function withSandbox(flags, fn) {
  const sandbox = await startSandbox(flags);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}

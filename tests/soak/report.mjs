// The soak's totals across runs, and the report printed at the end.

/** A positive integer from the environment, or `fallback`; anything else is refused by name. */
export function envInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** Sums over the runs of the soak. */
export class Totals {
  runs = 0;
  exports = 0;
  pages = 0;
  records = 0;
  requests = 0;
  tokensIssued = 0;
  lost = 0;
  repeated = 0;
  ms = 0;
  /** Faults the sandboxes injected, by flag name. */
  faults = {};
  /** Statuses the clients received. */
  statuses = {};
  /** Give-ups (each followed by a resumption from err.cursor), by error kind. */
  giveUps = new Map();
  byConsumer = {};

  add({ run, segments, checked, counters, statuses, giveUps, ms }) {
    this.runs += 1;
    this.exports += segments.length;
    this.pages += checked.pages;
    this.records += checked.handedOut;
    this.requests += counters.export_requests;
    this.tokensIssued += counters.tokens_issued;
    this.lost += checked.sequence.lost;
    this.repeated += checked.sequence.repeated;
    this.ms += ms;
    for (const [kind, count] of Object.entries(counters.faults)) this.faults[kind] = (this.faults[kind] ?? 0) + count;
    for (const [status, count] of Object.entries(statuses)) this.statuses[status] = (this.statuses[status] ?? 0) + count;
    for (const error of giveUps) {
      const key = error.status ? `${error.kind} ${error.status}` : error.kind;
      this.giveUps.set(key, (this.giveUps.get(key) ?? 0) + 1);
    }
    const consumer = (this.byConsumer[run.consumer] ??= { runs: 0, giveUps: 0 });
    consumer.runs += 1;
    consumer.giveUps += giveUps.length;
  }
}

const list = (entries) => entries.map(([key, value]) => `${key} ${value}`).join(", ");

/** The report's lines. */
export function report(totals, { employees }) {
  const injected = Object.values(totals.faults).reduce((sum, n) => sum + n, 0);
  const giveUps = [...totals.giveUps.values()].reduce((sum, n) => sum + n, 0);
  return [
    `${totals.runs} runs of ${employees} employees in ${(totals.ms / 1000).toFixed(1)} s: ${totals.exports} exports (${giveUps} resumed from err.cursor), ${totals.pages} pages, ${totals.records} records handed out, ${totals.requests} export requests, ${totals.tokensIssued} tokens issued`,
    `faults injected by the sandboxes: ${injected}${totals.lost + totals.repeated === 0 ? ", all survived" : ""} (${list(Object.entries(totals.faults).sort())})`,
    `statuses the client received: ${list(Object.entries(totals.statuses))}`,
    `gave up (then resumed): ${giveUps ? list([...totals.giveUps].sort()) : "never"}`,
    `by consumer: ${list(Object.entries(totals.byConsumer).map(([name, c]) => [name, `${c.runs} runs/${c.giveUps} give-ups`]))}`,
    `lost ${totals.lost}, repeated ${totals.repeated}`,
  ];
}

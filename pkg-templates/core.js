// The JS side of task-profiles: performs the I/O the Rust core decides on, and the parts of the
// API that JavaScript expresses better (classes, async iteration, AbortSignal).
//
// It takes the wasm-bindgen module as an argument, so every runtime entry (node, web, workerd…)
// shares this one file and differs only in how it loads the wasm.

const ERROR_KINDS = new Set([
  "invalid_params", "auth", "rate_limited", "http", "network", "timeout", "aborted", "protocol", "invalid_input",
]);

/** Every error the library throws. `kind` says what happened; the token never appears in it. */
export class TaskProfilesError extends Error {
  constructor(init) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TaskProfilesError";
    this.kind = init.kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.title !== undefined) this.title = init.title;
    if (init.description !== undefined) this.description = init.description;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

function invalid(field, problem) {
  return new TaskProfilesError({ kind: "invalid_params", message: `${field}: ${problem}` });
}

/** Calls into wasm, turning the core's error objects into TaskProfilesError. */
function callCore(fn) {
  try {
    return fn();
  } catch (e) {
    throw toError(e);
  }
}

function toError(e) {
  if (e instanceof TaskProfilesError) return e;
  if (e && typeof e === "object" && !(e instanceof Error) && ERROR_KINDS.has(e.kind)) {
    return new TaskProfilesError(e);
  }
  return e;
}

function toJson(field, value) {
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw invalid(field, `cannot be serialised (${e.message})`);
  }
}

/** An error response's body as text, whichever way it was read. */
function errorText(body) {
  return typeof body === "string" ? body : new TextDecoder().decode(body);
}

/** One record or an array of records, as the JSON text the core reads. */
function recordsJson(recordOrRecords) {
  if (recordOrRecords === null || typeof recordOrRecords !== "object") {
    throw new TaskProfilesError({ kind: "invalid_input", message: "records: expected a record object or an array of records" });
  }
  return toJson("records", recordOrRecords);
}

/** What a `toJSON()` produced, as an object or as its JSON text, as JSON text. */
function jsonText(json) {
  return typeof json === "string" ? json : toJson("json", json);
}

function isAbortSignal(value) {
  return typeof value === "object" && value !== null && typeof value.aborted === "boolean" &&
    typeof value.addEventListener === "function";
}

function describeCause(e) {
  if (e === null || typeof e !== "object") return String(e);
  const inner = e.cause && typeof e.cause === "object" && e.cause.message ? ` (${e.cause.code ?? e.cause.message})` : "";
  return `${e.message ?? String(e)}${inner}`;
}

/** Runs `callback` when any of `signals` aborts; returns the function that stops listening. */
function onAbort(signals, callback) {
  const live = signals.filter(Boolean);
  for (const s of live) s.addEventListener("abort", callback, { once: true });
  return () => { for (const s of live) s.removeEventListener("abort", callback); };
}

/** Settles as `promise` does, or rejects with `abortError()` as soon as any of `signals` aborts. */
function untilAborted(promise, signals, abortError) {
  return new Promise((resolve, reject) => {
    if (signals.some((s) => s?.aborted)) return reject(abortError());
    const stop = onAbort(signals, () => reject(abortError()));
    promise.then((v) => { stop(); resolve(v); }, (e) => { stop(); reject(e); });
  });
}

function sleep(ms, signals) {
  return new Promise((resolve, reject) => {
    if (signals.some((s) => s?.aborted)) return reject(new Error("aborted"));
    const stop = onAbort(signals, () => { clearTimeout(timer); reject(new Error("aborted")); });
    const timer = setTimeout(() => { stop(); resolve(); }, ms);
  });
}

/** Reads a page as text and makes its records with one JSON.parse: the fastest way to JS objects. */
const JSON_PAGES = {
  read: (response) => response.text(),
  accept(plan, text, status) {
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new TaskProfilesError({ kind: "protocol", status, message: `page ${plan.pages() + 1}: the body is not valid JSON (${e.message})` });
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new TaskProfilesError({ kind: "protocol", status, message: `page ${plan.pages() + 1}: the body is not a JSON object` });
    }
    const info = callCore(() => plan.acceptPage(body.has_next, body.next_starting_after, body.records));
    return { records: body.records, hasNext: info.hasNext, nextStartingAfter: info.nextStartingAfter };
  },
};

/** A page body given as bytes or text, as bytes. */
function bodyBytes(field, body) {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof body === "string") return new TextEncoder().encode(body);
  throw invalid(field, "expected the page body as a Uint8Array, an ArrayBuffer or a string");
}

/** Reads a page as bytes, checked (and converted to `format`) in wasm without making JS objects. */
function bytePages(format) {
  return {
    read: async (response) => new Uint8Array(await response.arrayBuffer()),
    accept(plan, body) {
      const info = callCore(() => plan.acceptRawPage(body, format));
      return { body, bytes: info.bytes, count: info.records, hasNext: info.hasNext, nextStartingAfter: info.nextStartingAfter };
    },
  };
}

const TOKEN_ENDPOINTS = {
  eu: { tokenUrl: "https://techwolf.eu.auth0.com/oauth/token", audience: "eu3.techwolf.ai" },
  us: { tokenUrl: "https://techwolf-us.us.auth0.com/oauth/token", audience: "us3.techwolf.ai" },
};
// A token is replaced this long before it expires, so no request goes out with a token about to lapse.
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials: returns a token function for `TaskProfilesClient`'s `token`.
 * It caches the token until 60 s before it expires, shares one request among concurrent callers,
 * fetches a new one when asked to refresh (after a 401), and never puts the secret or the token
 * into an error.
 */
export function clientCredentials(options) {
  if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
  const { clientId, clientSecret, tenant, region, tokenUrl, audience, scopes, fetch, dangerouslyAllowBrowser, ...unknown } = options;
  const extra = Object.keys(unknown);
  if (extra.length) throw invalid(extra[0], "unknown option of clientCredentials");
  if (typeof window !== "undefined" && typeof document !== "undefined" && dangerouslyAllowBrowser !== true) {
    throw invalid("clientSecret", "client credentials in a browser page expose the secret to every visitor: get tokens on a server or an edge worker (or pass dangerouslyAllowBrowser: true if this page is not public)");
  }
  for (const [name, value] of [["clientId", clientId], ["clientSecret", clientSecret], ["tenant", tenant]]) {
    if (typeof value !== "string" || value.length === 0) throw invalid(name, "expected a non-empty string");
  }
  if (region !== undefined && !(region in TOKEN_ENDPOINTS)) throw invalid("region", `expected "eu" or "us", got ${JSON.stringify(region)}`);
  if (tokenUrl !== undefined && !/^https?:\/\/\S+$/.test(tokenUrl)) throw invalid("tokenUrl", "expected an http(s) URL");
  if (region === undefined && tokenUrl === undefined) throw invalid("region", "give region (\"eu\" or \"us\") or tokenUrl");
  const endpoint = { ...TOKEN_ENDPOINTS[region], ...(tokenUrl ? { tokenUrl } : {}), ...(audience ? { audience } : {}) };
  if (typeof endpoint.audience !== "string") throw invalid("audience", "required with tokenUrl");
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((x) => typeof x === "string"))) throw invalid("scopes", "expected an array of strings");
  if (fetch !== undefined && typeof fetch !== "function") throw invalid("fetch", "expected a fetch function");

  let cached; // { token, expiresAt }
  let inFlight;

  async function request() {
    const f = fetch ?? globalThis.fetch;
    let response;
    let text;
    try {
      response = await f(endpoint.tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          client_id: clientId, client_secret: clientSecret, audience: endpoint.audience,
          grant_type: "client_credentials", tenant, ...(scopes ? { scopes } : {}),
        }),
      });
      text = await response.text();
    } catch (e) {
      throw new TaskProfilesError({ kind: "network", message: `the token endpoint could not be reached: ${describeCause(e)}` });
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const title = typeof body?.error === "string" ? body.error : undefined;
      const description = typeof body?.error_description === "string" ? body.error_description : undefined;
      throw new TaskProfilesError({
        kind: response.status === 429 ? "rate_limited" : response.status >= 500 ? "http" : "auth",
        status: response.status, title, description,
        message: `the token endpoint refused the client credentials: HTTP ${response.status}${title ? ` ${title}` : ""}${description ? `: ${description}` : ""}`,
      });
    }
    if (typeof body?.access_token !== "string" || body.access_token.length === 0 || !(Number(body.expires_in) > 0)) {
      throw new TaskProfilesError({ kind: "protocol", status: response.status, message: "the token endpoint's answer has no access_token with a positive expires_in" });
    }
    return { token: body.access_token, expiresAt: Date.now() + Number(body.expires_in) * 1000 - TOKEN_EXPIRY_MARGIN_MS };
  }

  return async function token({ refresh = false } = {}) {
    if (refresh) cached = undefined;
    if (cached && Date.now() < cached.expiresAt) return cached.token;
    inFlight ??= request().then(
      (fresh) => { cached = fresh; inFlight = undefined; return fresh.token; },
      (error) => { inFlight = undefined; throw error; },
    );
    return inFlight;
  };
}

export function createApi(wasm) {
  /** How the client reaches the endpoint: shared by every export it starts. */
  class Transport {
    constructor(config, token, fetchImpl) {
      this.config = config;
      this.tokenSource = token;
      this.fetchImpl = fetchImpl;
    }

    async token(refresh) {
      let value = this.tokenSource;
      if (typeof value === "function") {
        try {
          value = await value({ refresh });
        } catch (cause) {
          throw new TaskProfilesError({ kind: "auth", message: "the token function failed (see error.cause)", cause });
        }
      }
      if (typeof value !== "string" || value.length === 0 || /[\s]/.test(value)) {
        throw new TaskProfilesError({
          kind: "auth",
          message: `the token ${typeof this.tokenSource === "function" ? "function returned" : "option is"} ${typeof value === "string" ? "an empty or malformed string" : typeof value}, not an access token`,
        });
      }
      return value;
    }

    fetch(url, init) {
      const f = this.fetchImpl ?? globalThis.fetch;
      if (typeof f !== "function") {
        throw new TaskProfilesError({ kind: "network", message: "this runtime has no global fetch: pass options.fetch" });
      }
      return f(url, init);
    }
  }

  let statsCore; // TaskStats → its wasm aggregate, for Export.stats()
  let taxonomyCore; // TaskTaxonomy → its wasm taxonomy
  let noTaxonomy; // an empty taxonomy: places nothing, exactly as none

  /** Where each task sits in the task tree, learned from hierarchy records. */
  class TaskTaxonomy {
    #core;

    static {
      taxonomyCore = (taxonomy) => taxonomy.#core;
    }

    constructor() {
      this.#core = new wasm.TaxonomyCore();
    }

    /** Learns from hierarchy records (one, or an array; list tasks carrying `path` teach too). */
    learn(recordOrRecords) {
      callCore(() => this.#core.learn(recordsJson(recordOrRecords)));
      return this;
    }

    /** Known task ids. */
    get size() {
      return this.#core.size;
    }

    /** Task ids seen under a second, different path (the first path is kept). */
    get conflicts() {
      return this.#core.conflicts;
    }

    /** The lossless serialised form: `TaskTaxonomy.fromJSON` restores it exactly. */
    toJSON() {
      return JSON.parse(this.#core.toJson());
    }

    /** Restores what `toJSON` produced (the object, or its JSON text). */
    static fromJSON(json) {
      const text = jsonText(json);
      const taxonomy = new TaskTaxonomy();
      taxonomy.#core.free();
      taxonomy.#core = callCore(() => wasm.TaxonomyCore.fromJson(text));
      return taxonomy;
    }
  }

  /** Checks conversion options and turns them into the core's arguments. */
  function conversion({ to, keepPath = false, taxonomy, groupBy = [] }) {
    if (to !== "list" && to !== "hierarchy") throw invalid("to", `expected "list" or "hierarchy", got ${JSON.stringify(to)}`);
    if (typeof keepPath !== "boolean") throw invalid("keepPath", "expected a boolean");
    if (taxonomy !== undefined && !(taxonomy instanceof TaskTaxonomy)) throw invalid("taxonomy", "expected a TaskTaxonomy");
    if (!Array.isArray(groupBy) || !groupBy.every((d) => typeof d === "string")) {
      throw invalid("groupBy", 'expected an array of "ai_impact_level" and/or "validation_state"');
    }
    noTaxonomy ??= new wasm.TaxonomyCore();
    return [to, keepPath, groupBy, taxonomy ? taxonomyCore(taxonomy) : noTaxonomy];
  }

  function convertRecords(recordOrRecords, options) {
    const args = conversion(options);
    return JSON.parse(callCore(() => wasm.convertRecords(recordsJson(recordOrRecords), ...args)));
  }

  /** Records of either shape (one, or an array) as list records; `keepPath` keeps each task's ancestry. */
  function toList(recordOrRecords, { keepPath = false } = {}) {
    return convertRecords(recordOrRecords, { to: "list", keepPath });
  }

  /** Records of either shape (one, or an array) as hierarchy records, placed by path, taxonomy or groupBy. */
  function toHierarchy(recordOrRecords, { taxonomy, groupBy } = {}) {
    return convertRecords(recordOrRecords, { to: "hierarchy", taxonomy, groupBy });
  }

  /** A whole page's raw body converted, bytes in and bytes out, without making JS objects. */
  function convertPage(body, options = {}) {
    const bytes = bodyBytes("body", body);
    const args = conversion(options);
    return callCore(() => wasm.convertPage(bytes, ...args));
  }

  /** Streaming, mergeable aggregates over records, computed in wasm. */
  class TaskStats {
    #core;

    static {
      statsCore = (stats) => stats.#core;
    }

    constructor({ topN = 20 } = {}) {
      if (!Number.isSafeInteger(topN) || topN < 0 || topN > 0xffffffff) throw invalid("topN", "expected a non-negative integer");
      this.#core = new wasm.StatsCore(topN);
    }

    /** Adds one record or an array of records (JS objects, either shape). */
    add(recordOrRecords) {
      callCore(() => this.#core.addRecords(recordsJson(recordOrRecords)));
      return this;
    }

    /** Adds a page's raw body (the fast path: parsed and counted in wasm, no JS objects made). */
    addPage(body) {
      const bytes = bodyBytes("body", body);
      callCore(() => this.#core.addPage(bytes));
      return this;
    }

    /** Adds everything `other` counted (records of other employees, e.g. another worker's shard). */
    merge(other) {
      if (!(other instanceof TaskStats)) throw invalid("other", "expected a TaskStats");
      this.#core.merge(other.#core);
      return this;
    }

    /** The lossless serialised form: `TaskStats.fromJSON` restores it exactly. */
    toJSON() {
      return JSON.parse(this.#core.toJson());
    }

    /** Restores what `toJSON` produced (the object, or its JSON text). */
    static fromJSON(json) {
      const text = jsonText(json);
      const stats = new TaskStats();
      stats.#core.free();
      stats.#core = callCore(() => wasm.StatsCore.fromJson(text));
      return stats;
    }

    /** The organisation-wide summary. */
    summary() {
      return JSON.parse(this.#core.summaryJson());
    }

    /**
     * The organisation-wide tree a treemap or sunburst draws (d3.hierarchy-compatible): grouped
     * `by` dimensions (`["ai_impact_level", "validation_state"]`) or by a `taxonomy`'s groups.
     */
    tree({ by, taxonomy } = {}) {
      if (taxonomy !== undefined) {
        if (by !== undefined) throw invalid("by", "give by or taxonomy, not both");
        if (!(taxonomy instanceof TaskTaxonomy)) throw invalid("taxonomy", "expected a TaskTaxonomy");
        return JSON.parse(this.#core.treeByTaxonomyJson(taxonomyCore(taxonomy)));
      }
      by ??= ["ai_impact_level"];
      if (!Array.isArray(by) || !by.every((d) => typeof d === "string")) throw invalid("by", "expected an array of dimensions");
      return JSON.parse(callCore(() => this.#core.treeByDimensionsJson(by)));
    }
  }

  /** A client of the Export Employee Task Profiles endpoint. */
  class TaskProfilesClient {
    #transport;

    constructor(options) {
      if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
      const { token, fetch, ...rest } = options;
      if (!(typeof token === "string" && token.length > 0) && typeof token !== "function") {
        throw invalid("token", "expected an access token string or a function returning one");
      }
      if (fetch !== undefined && typeof fetch !== "function") throw invalid("fetch", "expected a fetch function");
      const config = callCore(() => new wasm.ClientConfig(toJson("options", rest)));
      this.#transport = new Transport(config, token, fetch);
    }

    /** The base URL requests go to. */
    get baseUrl() {
      return this.#transport.config.baseUrl;
    }

    /** Starts nothing yet: returns the export, to iterate with `for await`. */
    exportTaskProfiles(params = {}) {
      return new Export(this.#transport, params);
    }
  }

  /** One pass over the whole export: an async iterable of records, or of pages via `pages()`. */
  class Export {
    #transport;
    #plan;
    #signal;
    #onProgress;
    #started = false;
    #done = false;
    #cursor;
    #records = 0;
    #pages = 0;
    // Cancels the request in flight when the consumer stops early.
    #stop = new AbortController();

    constructor(transport, params) {
      if (params === null || typeof params !== "object" || Array.isArray(params)) {
        throw invalid("params", "expected an object");
      }
      const { signal, onProgress, ...rest } = params;
      if (signal !== undefined && !isAbortSignal(signal)) throw invalid("signal", "expected an AbortSignal");
      if (onProgress !== undefined && typeof onProgress !== "function") throw invalid("onProgress", "expected a function");
      this.#transport = transport;
      this.#plan = callCore(() => new wasm.ExportPlan(transport.config, toJson("params", rest)));
      this.#signal = signal;
      this.#onProgress = onProgress;
      this.#cursor = rest.startingAfter;
    }

    /** Where to resume: pass it as `startingAfter` to a new export to get exactly the records not yet handed out. */
    get cursor() {
      return this.#cursor;
    }

    /** Whether every record has been handed out. */
    get done() {
      return this.#done;
    }

    /** Records handed out so far. */
    get recordsHandedOut() {
      return this.#records;
    }

    async *[Symbol.asyncIterator]() {
      try {
        for await (const page of this.#pageSource(JSON_PAGES)) {
          const records = page.records;
          for (let i = 0; i < records.length; i++) {
            if (this.#signal?.aborted) throw this.#aborted();
            const record = records[i];
            this.#records++;
            if (typeof record?.external_id === "string") this.#cursor = record.external_id;
            yield record;
          }
          this.#pageHandedOut(page, 0);
        }
      } catch (e) {
        throw this.#annotate(e);
      }
    }

    /** The export page by page: `{ records, hasNext, nextStartingAfter }`. */
    async *pages() {
      try {
        for await (const page of this.#pageSource(JSON_PAGES)) {
          this.#pageHandedOut(page, page.records.length);
          yield page;
        }
      } catch (e) {
        throw this.#annotate(e);
      }
    }

    /** Every record in an array; refuses when more than `max` would be collected. */
    async toArray({ max = 10000 } = {}) {
      if (!Number.isSafeInteger(max) || max < 0) throw invalid("max", "expected a non-negative integer");
      const start = this.#cursor;
      const out = [];
      try {
        for await (const page of this.pages()) {
          if (out.length + page.records.length > max) {
            throw invalid("max", `the export holds more than ${max} records: raise max, or iterate with for await to process them as they come`);
          }
          for (const r of page.records) out.push(r);
        }
      } catch (e) {
        // Nothing reached the caller: the resume point is where toArray started.
        this.#cursor = start;
        this.#records = 0;
        throw this.#annotate(e);
      }
      return out;
    }

    /** Consumes the export, aggregating each page's bytes in wasm; resolves to the summary. */
    async stats({ topN = 20 } = {}) {
      const stats = new TaskStats({ topN });
      const core = statsCore(stats);
      const reader = {
        read: bytePages().read,
        accept(plan, body) {
          const info = callCore(() => plan.acceptStatsPage(body, core));
          return { count: info.records, hasNext: info.hasNext, nextStartingAfter: info.nextStartingAfter };
        },
      };
      try {
        for await (const page of this.#pageSource(reader)) this.#pageHandedOut(page, page.count);
      } catch (e) {
        throw this.#annotate(e);
      }
      return stats.summary();
    }

    /**
     * Each page's raw body as bytes (`Uint8Array`), checked in wasm, converted on the way with
     * `convertTo` (and `taxonomy`, `groupBy`, `keepPath`): for workers that pass the export on.
     */
    async *rawPages({ convertTo, ...options } = {}) {
      const args = convertTo === undefined ? undefined : conversion({ to: convertTo, ...options });
      const reader = args === undefined ? bytePages("envelope") : {
        read: bytePages().read,
        accept(plan, body) {
          const info = callCore(() => plan.acceptConvertedPage(body, ...args));
          return { bytes: info.bytes, count: info.records, hasNext: info.hasNext, nextStartingAfter: info.nextStartingAfter };
        },
      };
      try {
        for await (const page of this.#pageSource(reader)) {
          this.#pageHandedOut(page, page.count);
          yield page.bytes ?? page.body;
        }
      } catch (e) {
        throw this.#annotate(e);
      }
    }

    /**
     * The export as CSV (RFC 4180, UTF-8, header row): one row per employee and non-rejected task,
     * one row with empty task columns for an employee without tasks. Pages are fetched only as
     * the stream is read; cancelling the stream cancels the export.
     */
    toCsvStream() {
      return this.#byteStream("csv", new TextEncoder().encode(wasm.csvHeader()));
    }

    /** The export as NDJSON: one record per line. Back-pressure and cancellation as `toCsvStream`. */
    toNdjsonStream() {
      return this.#byteStream("ndjson");
    }

    #byteStream(format, head) {
      const pages = this.#pageSource(bytePages(format), { prefetch: false });
      return new ReadableStream({
        start: (controller) => {
          if (head) controller.enqueue(head);
        },
        pull: async (controller) => {
          try {
            for (;;) {
              const { value: page, done } = await pages.next();
              if (done) return controller.close();
              this.#pageHandedOut(page, page.count);
              if (page.bytes.length > 0) return controller.enqueue(page.bytes);
            }
          } catch (e) {
            controller.error(this.#annotate(e));
          }
        },
        cancel: async () => {
          this.#stop.abort();
          await pages.return();
        },
      }, { highWaterMark: 0 });
    }

    #pageHandedOut(page, records) {
      this.#records += records;
      this.#pages++;
      this.#cursor = page.nextStartingAfter;
      if (!page.hasNext) this.#done = true;
      this.#onProgress?.({ pages: this.#pages, records: this.#records, cursor: this.#cursor, hasNext: page.hasNext });
    }

    #annotate(e) {
      const error = toError(e);
      if (error instanceof TaskProfilesError) {
        error.cursor = this.#cursor;
        error.records = this.#records;
      }
      return error;
    }

    #aborted() {
      return new TaskProfilesError({ kind: "aborted", message: "the export was aborted by its AbortSignal", cause: this.#signal?.reason });
    }

    // Yields accepted pages, read by `reader`, keeping one request ahead of the consumer unless
    // `prefetch` is false (streams: a page is fetched only when the stream is read).
    async *#pageSource(reader, { prefetch = true } = {}) {
      if (this.#started) {
        throw invalid("export", "this export was already iterated; start a new one with startingAfter: export.cursor to continue");
      }
      this.#started = true;
      try {
        let pending = this.#fetchPage(reader);
        while (pending) {
          const page = await pending;
          if (page === undefined) return;
          if (prefetch) {
            pending = page.hasNext ? this.#fetchPage(reader) : undefined;
            // The consumer may stop before it awaits the prefetch: its failure must not go unhandled.
            pending?.catch(() => {});
            yield page;
          } else {
            yield page;
            pending = page.hasNext ? this.#fetchPage(reader) : undefined;
          }
        }
      } finally {
        this.#stop.abort();
      }
    }

    async #fetchPage(reader) {
      const plan = this.#plan;
      const request = plan.nextRequest();
      if (request === undefined) return undefined;
      const signals = [this.#signal, this.#stop.signal];
      let retries = 0;
      let refreshed = false;
      let refreshNow = false;
      for (;;) {
        if (signals.some((s) => s?.aborted)) throw this.#aborted();
        // A token function that hangs must not outlive an abort.
        const token = await untilAborted(this.#transport.token(refreshNow), signals, () => this.#aborted());
        refreshNow = false;
        const attempt = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; attempt.abort(); }, plan.timeoutMs);
        const stopListening = onAbort(signals, () => attempt.abort());
        let decision;
        let response;
        let body;
        try {
          response = await this.#transport.fetch(request.url, {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
            body: request.body,
            signal: attempt.signal,
          });
          body = await reader.read(response);
        } catch (cause) {
          if (signals.some((s) => s?.aborted)) throw this.#aborted();
          if (cause instanceof TaskProfilesError) throw cause;
          decision = plan.afterTransportFailure(retries, Math.random(), timedOut,
            timedOut ? `no complete response within ${plan.timeoutMs} ms` : describeCause(cause));
        } finally {
          clearTimeout(timer);
          stopListening();
        }
        decision ??= plan.afterResponse(retries, refreshed, Math.random(), response.status,
          response.headers.get("retry-after") ?? undefined, response.ok ? undefined : errorText(body), Date.now());
        switch (decision.action) {
          case "accept":
            return reader.accept(plan, body, response.status);
          case "retry":
            try {
              await sleep(decision.delayMs, signals);
            } catch {
              throw this.#aborted();
            }
            retries++;
            break;
          case "refresh":
            refreshed = true;
            refreshNow = true;
            break;
          default:
            throw toError(decision.error);
        }
      }
    }
  }

  return { TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, clientCredentials };
}

// What JavaScript expresses better on the Rust `Export`: async iteration and streams. Each is a
// few lines over the steps the wasm module exports (`exportBegin`, `exportNextRecords`, …); the
// export's state, requests, retries, abort and prefetch are all on the Rust side.
import { pullStream } from "./streams.js";
import { invalid } from "./errors.js";

/** `[Symbol.asyncIterator]`, `pages()`, `rawPages()` and the streams of `wasm.Export`. */
export function exportMethods(wasm, taxonomyOption) {
  const { stats, toArray } = wasm.Export.prototype;
  return {
    /** Every record, at most `max`; an async function, so that every failure is a rejection. */
    async toArray(options) {
      return toArray.call(this, options);
    },

    /**
     * The summary of the whole export, aggregated in wasm. With `into` (a TaskStats), what the
     * export counted is merged into it, also when the export fails: `into` then holds exactly the
     * employees before `err.cursor`, so a pass resumed from there with the same `into` ends
     * with the summary of one whole pass.
     */
    async stats(options) {
      const into = options?.into;
      if (into === undefined) return stats.call(this, options);
      if (!(into instanceof wasm.TaskStats)) throw invalid("into", "expected a TaskStats");
      const { into: _, ...rest } = options;
      if (rest.topN !== undefined) throw invalid("topN", "comes from the TaskStats given as into");
      try {
        await stats.call(this, rest);
      } finally {
        into.merge(wasm.exportStatsCounted(this));
      }
      return into.summary();
    },

    /** Records one at a time, oldest employee first, across all pages. */
    async *[Symbol.asyncIterator]() {
      wasm.exportBegin(this, "records");
      try {
        for (let records; (records = await wasm.exportNextRecords(this)) !== undefined;) {
          for (const record of records) {
            wasm.exportHandOutRecord(this);
            yield record;
          }
        }
      } finally {
        wasm.exportStop(this);
      }
    },

    /** The export page by page: `{ records, hasNext, nextStartingAfter }`. */
    async *pages() {
      wasm.exportBegin(this, "pages");
      try {
        for (let page; (page = await wasm.exportNextPage(this)) !== undefined;) yield page;
      } finally {
        wasm.exportStop(this);
      }
    },

    /** Each page's body as bytes, checked in wasm, converted on the way with `convertTo`. */
    async *rawPages(options) {
      wasm.exportBeginRawPages(this, options, taxonomyOption(options));
      try {
        for (let bytes; (bytes = await wasm.exportNextBytes(this)) !== undefined;) yield bytes;
      } finally {
        wasm.exportStop(this);
      }
    },

    /**
     * The export as CSV (header row first), a page fetched only as the stream is read; cells a
     * spreadsheet would run as formulas are neutralised unless `escapeFormulas: false`.
     */
    toCsvStream(options = {}) {
      if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
      const { escapeFormulas = true, ...unknown } = options;
      const [extra] = Object.keys(unknown);
      if (extra !== undefined) throw invalid(extra, "unknown option of toCsvStream (expected escapeFormulas)");
      if (typeof escapeFormulas !== "boolean") throw invalid("escapeFormulas", "expected a boolean");
      return byteStream(wasm, this, escapeFormulas ? "csv" : "csv-formulas", new TextEncoder().encode(wasm.csvHeader()));
    },

    /** The export as NDJSON, one record per line; back-pressure and cancellation as CSV. */
    toNdjsonStream() {
      return byteStream(wasm, this, "ndjson");
    },
  };
}

/** The bytes `wasm.exportNextBytes` hands out as a stream; the pass begins at the first read. */
function byteStream(wasm, exp, format, head) {
  let begun = false;
  return pullStream({
    head,
    next() {
      if (!begun) {
        begun = true;
        wasm.exportBegin(exp, format);
      }
      return wasm.exportNextBytes(exp);
    },
    stop: () => wasm.exportStop(exp),
  });
}


// The downloads, made from what was loaded: CSV and NDJSON from the page bytes as received
// (`formatPage` writes exactly the rows `toCsvStream()`/`toNdjsonStream()` write for a page), the
// summary, and the TaskStats shard that another dashboard can merge.
import { formatPage } from "task-profiles";
import { Dataset } from "./dataset";
import type { DownloadKind } from "./protocol";

const EMPTY_PAGE = new TextEncoder().encode('{"has_next":false,"records":[]}');

/** The file for `what`, or an error saying why there is none. */
export function download(dataset: Dataset, what: DownloadKind): { blob: Blob; name: string } {
  switch (what) {
    case "csv":
    case "ndjson": {
      if (!dataset.hasRecords) throw new Error(`${what}: merged shards hold statistics only, no records to write`);
      const pages = dataset.pages.length ? dataset.pages : [EMPTY_PAGE];
      // The header row once, before the first page's rows, as toCsvStream writes it.
      const parts = pages.map((page, i) => formatPage(page, what === "csv" ? { as: "csv", header: i === 0 } : { as: "ndjson" }) as Uint8Array<ArrayBuffer>);
      return what === "csv"
        ? { blob: new Blob(parts, { type: "text/csv;charset=utf-8" }), name: "task-profiles.csv" }
        : { blob: new Blob(parts, { type: "application/x-ndjson" }), name: "task-profiles.ndjson" };
    }
    case "summary":
      return { blob: json(dataset.stats.summary()), name: "task-profiles-summary.json" };
    case "shard":
      return { blob: json(dataset.stats.toJSON()), name: "task-profiles-stats.json" };
  }
}

function json(value: unknown): Blob {
  return new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
}

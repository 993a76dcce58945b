// What was loaded, from an export, files or shards: the page bytes as received (for the CSV and
// NDJSON downloads and the profiles), the statistics, the taxonomy learned from hierarchy pages
// and the compact employee index the filters work on.
import { TaskStats, TaskTaxonomy, toList, type HierarchyRecord, type ListRecord, type TaskProfileRecord } from "task-profiles";
import { EmployeeIndex } from "./employee-index";
import type { SourceKind } from "./protocol";

/** How many top tasks and skills the statistics keep. */
export const TOP_N = 20;

const decoder = new TextDecoder();

export class Dataset {
  readonly source: SourceKind;
  readonly label: string;
  readonly pages: Uint8Array[] = [];
  readonly stats: TaskStats;
  readonly taxonomy = new TaskTaxonomy();
  readonly index = new EmployeeIndex();
  readonly shapes = new Set<"list" | "hierarchy">();
  /** False for merged shards, which hold statistics but no records. */
  readonly hasRecords: boolean;
  #parsed: { page: number; records: TaskProfileRecord[] } | null = null;

  constructor(source: SourceKind, label: string, shardStats?: TaskStats) {
    this.source = source;
    this.label = label;
    this.stats = shardStats ?? new TaskStats({ topN: TOP_N });
    this.hasRecords = shardStats === undefined;
  }

  /**
   * Adds one page body (either shape). The statistics read it first, in wasm, and refuse a page
   * that breaks the contract before anything else has changed. `parsed` saves parsing the bytes
   * again when the caller has the records already. Returns the number of records.
   */
  addPage(bytes: Uint8Array, parsed?: TaskProfileRecord[]): number {
    this.stats.addPage(bytes);
    const records = parsed ?? parseRecords(bytes);
    const hierarchy = records.filter(isHierarchy);
    if (hierarchy.length) {
      this.taxonomy.learn(hierarchy);
      this.shapes.add("hierarchy");
    }
    if (hierarchy.length < records.length) this.shapes.add("list");
    this.index.add(hierarchy.length ? toList(records) : (records as ListRecord[]), this.pages.length);
    this.pages.push(bytes);
    return records.length;
  }

  /** Employee `employee`'s record, parsed again from its page (the last page parsed is kept). */
  record(employee: number): TaskProfileRecord {
    const page = this.index.page.view()[employee];
    const slot = this.index.slot.view()[employee];
    if (page === undefined || slot === undefined) throw new RangeError(`employee: no employee number ${employee} was loaded`);
    if (this.#parsed?.page !== page) this.#parsed = { page, records: parseRecords(this.pages[page]!) };
    return this.#parsed.records[slot]!;
  }
}

export function isHierarchy(record: TaskProfileRecord): record is HierarchyRecord {
  return Array.isArray((record as HierarchyRecord).hierarchy);
}

function parseRecords(bytes: Uint8Array): TaskProfileRecord[] {
  return (JSON.parse(decoder.decode(bytes)) as { records: TaskProfileRecord[] }).records;
}

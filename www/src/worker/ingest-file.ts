// A saved export read back into pages: NDJSON of records (as `toNdjsonStream()` and the edge
// worker's /export.ndjson write it) or of pages, a JSON array of records or of pages, or one page.
// Records are gathered into pages of PAGE_SIZE so that everything after this point (statistics,
// CSV, profiles) works on page bytes, exactly as for an export. Nothing here uses the network.
import type { TaskProfileRecord } from "task-profiles";
import { InputError, located } from "./errors";

export const PAGE_SIZE = 100;

/** Receives each page: its bytes, and its records when already parsed. */
export type PageSink = (bytes: Uint8Array, records?: TaskProfileRecord[]) => void;

const encoder = new TextEncoder();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPage(value: unknown): value is { records: unknown[] } {
  return isObject(value) && Array.isArray(value.records);
}

function checkRecord(value: unknown, where: string): TaskProfileRecord {
  if (!isObject(value) || typeof value.external_id !== "string" || !(Array.isArray(value.tasks) || Array.isArray(value.hierarchy))) {
    throw new InputError(`${where}: expected a record (an object with external_id and tasks or hierarchy) or a page (an object with records)`);
  }
  return value as unknown as TaskProfileRecord;
}

/** Lets queued messages (a cancel, a view change) and timers run between pages. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Reads `file` into `sink`, page by page; `onBytes(read)` reports progress. `signal` stops it.
 * A problem is an InputError naming the file and, for NDJSON, the line.
 */
export async function ingestFile(file: File, sink: PageSink, onBytes: (read: number) => void, signal: AbortSignal): Promise<void> {
  const head = (await file.slice(0, 1 << 16).text()).trimStart();
  if (head === "") throw new InputError(`${file.name}: the file is empty`);
  if (head.startsWith("{") && parses(await firstLine(file))) return ingestNdjson(file, sink, onBytes, signal);
  if (!head.startsWith("[") && !head.startsWith("{")) {
    throw new InputError(`${file.name}: not NDJSON or JSON (expected records or pages, one per line, or a JSON array or page)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch (e) {
    throw located(e, file.name);
  }
  await ingestJson(value, file.name, sink, signal);
  onBytes(file.size);
}

/** The file's first line, however long (a page per line can be a megabyte). */
async function firstLine(file: File): Promise<string> {
  let text = "";
  for (let at = 0, size = 1 << 16; at < file.size; at += size, size *= 2) {
    text += await file.slice(at, at + size).text();
    const end = text.indexOf("\n");
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function ingestJson(value: unknown, name: string, sink: PageSink, signal: AbortSignal): Promise<void> {
  if (isPage(value)) return sinkPage(value, name, sink);
  if (!Array.isArray(value)) throw new InputError(`${name}: expected a JSON array of records or pages, or a page`);
  if (value.length > 0 && value.every(isPage)) {
    for (const [i, page] of value.entries()) {
      signal.throwIfAborted();
      sinkPage(page, `${name}, page ${i + 1}`, sink);
      await breathe();
    }
    return;
  }
  for (let i = 0; i < value.length; i += PAGE_SIZE) {
    signal.throwIfAborted();
    const records = value.slice(i, i + PAGE_SIZE).map((r, j) => checkRecord(r, `${name}, record ${i + j + 1}`));
    sinkRecords(records, `${name}, records ${i + 1}–${i + records.length}`, sink);
    await breathe();
  }
}

function sinkPage(page: { records: unknown[] }, where: string, sink: PageSink): void {
  const records = page.records.map((r, j) => checkRecord(r, `${where}, record ${j + 1}`));
  try {
    sink(encoder.encode(JSON.stringify(page)), records);
  } catch (e) {
    throw located(e, where);
  }
}

function sinkRecords(records: TaskProfileRecord[], where: string, sink: PageSink): void {
  try {
    sink(encoder.encode(JSON.stringify({ has_next: false, records })), records);
  } catch (e) {
    throw located(e, where);
  }
}

/** NDJSON, streamed: records are gathered by PAGE_SIZE, their lines kept as written. */
async function ingestNdjson(file: File, sink: PageSink, onBytes: (read: number) => void, signal: AbortSignal): Promise<void> {
  let read = 0;
  const counted = file.stream().pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      read += chunk.length;
      controller.enqueue(chunk);
    },
  }));
  const reader = counted.pipeThrough(new TextDecoderStream() as ReadableWritablePair<string, Uint8Array>).getReader();
  let carry = "";
  let lineNo = 0;
  let lines: string[] = [];
  let records: TaskProfileRecord[] = [];
  let recordLines: number[] = [];
  const flush = () => {
    if (!records.length) return;
    const bytes = encoder.encode(`{"has_next":false,"records":[${lines.join(",")}]}`);
    try {
      sink(bytes, records);
    } catch (e) {
      // The package names the place as records[i]…: say which line that is.
      const info = located(e, file.name);
      const at = /records\[(\d+)\]/.exec(info.message);
      const line = at ? recordLines[Number(at[1])] : undefined;
      throw line ? new InputError(info.message.replace(at![0], `line ${line}`), (info as InputError).kind) : info;
    }
    lines = [];
    records = [];
    recordLines = [];
  };
  const take = (raw: string) => {
    lineNo += 1;
    const line = raw.trim();
    if (line === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw located(e, `${file.name}, line ${lineNo}`);
    }
    if (isPage(value)) {
      flush();
      sinkPage(value, `${file.name}, line ${lineNo}`, sink);
      return;
    }
    recordLines.push(lineNo);
    records.push(checkRecord(value, `${file.name}, line ${lineNo}`));
    lines.push(line);
    if (records.length === PAGE_SIZE) flush();
  };
  for (;;) {
    signal.throwIfAborted();
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (carry + value).split("\n");
    carry = parts.pop()!;
    for (const part of parts) take(part);
    onBytes(read);
    await breathe();
  }
  take(carry);
  flush();
  onBytes(read);
}

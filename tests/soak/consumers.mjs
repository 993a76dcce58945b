// The five ways to drain an export the soak runs through: `for await` records, `pages()`,
// `stats()`, `rawPages()` and the CSV stream. Each writes what it saw into the segment it is given
// (the ids handed out, in order, and what else it can check), so that an export that gives up
// half-way leaves exactly what it handed out before the error.
import { once } from "node:events";
import { parse } from "csv-parse";
import { TaskStats } from "task-profiles";

/** The CSV stream's columns, as `pkg-templates/index.d.ts` documents them. */
export const CSV_COLUMNS = ["external_id", "task_id", "task", "validation_state", "weekly_hours", "ai_impact_level",
  "ai_impact_rationale", "skill_ids", "skills", "source_event_types"];

/** The key a record of each shape holds its tasks under. */
const TASKS_KEY = { list: "tasks", hierarchy: "hierarchy" };

function checkShape(record, shape, where) {
  if (typeof record?.external_id !== "string" || !Array.isArray(record[TASKS_KEY[shape]])) {
    throw new Error(`${where}: a record that is not a ${shape} record: ${JSON.stringify(record).slice(0, 200)}`);
  }
}

/** `for await (const record of exp)`. */
async function records(exp, segment, { shape }) {
  for await (const record of exp) {
    checkShape(record, shape, "for await");
    segment.ids.push(record.external_id);
  }
}

/** `exp.pages()`: each page's records, and its cursor checked against its last record. */
async function pages(exp, segment, { shape, limit }) {
  for await (const page of exp.pages()) {
    if (page.records.length > limit) throw new Error(`pages(): ${page.records.length} records on a page of ${limit}`);
    for (const record of page.records) {
      checkShape(record, shape, "pages()");
      segment.ids.push(record.external_id);
    }
    const expectedCursor = page.hasNext ? page.records.at(-1)?.external_id : undefined;
    if (page.nextStartingAfter !== expectedCursor) {
      throw new Error(`pages(): nextStartingAfter ${page.nextStartingAfter} after a page ending with ${expectedCursor}`);
    }
  }
}

/**
 * `exp.stats({ into })`, one TaskStats for the whole drain: no ids to see; what each export
 * counted is kept (also when it gives up), the summary of the last is the whole drain's, and pages
 * are checked through progress.
 */
async function stats(exp, segment, context) {
  const into = (context.statsInto ??= new TaskStats());
  const before = into.summary().employees;
  try {
    segment.summary = await exp.stats({ into });
  } finally {
    segment.counted = into.summary().employees - before;
  }
}

/** `exp.rawPages()`: each page's bytes parsed; hierarchy pages are converted to list on the way. */
async function rawPages(exp, segment, { shape }) {
  const convertTo = shape === "hierarchy" ? "list" : undefined;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for await (const bytes of exp.rawPages(convertTo ? { convertTo } : undefined)) {
    const page = JSON.parse(decoder.decode(bytes));
    for (const record of page.records) {
      checkShape(record, convertTo ?? shape, "rawPages()");
      segment.ids.push(record.external_id);
    }
  }
}

/**
 * `exp.toCsvStream()` parsed with csv-parse. The stream is fed to the parser by hand rather than
 * piped, so that when the export fails every row of the pages before is still read (a pipeline
 * would destroy the parser with rows in it), and the export's own error is what is thrown.
 */
async function csv(exp, segment) {
  const reader = exp.toCsvStream().getReader();
  const parser = parse({ columns: checkHeader });
  let failure;
  const feeding = (async () => {
    try {
      for (let chunk; !(chunk = await reader.read()).done;) {
        if (!parser.write(chunk.value)) await once(parser, "drain");
      }
    } catch (e) {
      failure = e;
    } finally {
      parser.end();
    }
  })();
  segment.csvRows = 0;
  let previous;
  try {
    for await (const row of parser) {
      segment.csvRows += 1;
      // An employee's rows are consecutive: one id per run of rows (within this stream only, so
      // that a page repeated across a resumption would still show).
      if (row.external_id !== previous) segment.ids.push(row.external_id);
      previous = row.external_id;
    }
  } catch (e) {
    // Text that is not the CSV documented: stop the export rather than let it run on unread.
    await reader.cancel().catch(() => {});
    throw e;
  }
  await feeding;
  if (failure !== undefined) throw failure;
}

function checkHeader(header) {
  if (header.join(",") !== CSV_COLUMNS.join(",")) throw new Error(`CSV header ${header.join(",")}`);
  return header;
}

/** Consumers by name; `stats` is the one that sees no ids. */
export const CONSUMERS = { records, pages, stats, rawPages, csv };

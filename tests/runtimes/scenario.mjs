// The scenario every runtime runs: the same source file, imported by the Node, Deno and browser
// harnesses and bundled into the workerd one. It uses only what every runtime has (fetch, streams,
// TextDecoder), takes the package's exports as an argument and returns a plain JSON-able object;
// the test asserts on it in Node.

/** FNV-1a (32-bit) of the ids joined by "\n": compares id sequences without shipping them. */
export function digestIds(ids) {
  let hash = 0x811c9dc5;
  const text = ids.join("\n");
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Reads the first `n` lines (CRLF-terminated) of a byte stream, then cancels it. */
async function firstLines(stream, n) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.split("\r\n").length <= n) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text.split("\r\n").slice(0, n);
}

/** Object equality with key order ignored (JSON values only). */
function sameJson(a, b) {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && typeof a === "object") {
    const keys = Object.keys(a);
    return !!b && typeof b === "object" && !Array.isArray(b) && keys.length === Object.keys(b).length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

export async function scenario({ TaskProfilesClient, TaskProfilesError, TaskStats, toList, toHierarchy }, baseUrl, token) {
  const result = {};
  const client = new TaskProfilesClient({ baseUrl, token });

  // The whole export with for await: every employee once, in the server's order.
  const ids = [];
  const exp = client.exportTaskProfiles({ limit: 100 });
  for await (const record of exp) ids.push(record.external_id);
  result.count = ids.length;
  result.unique = new Set(ids).size;
  result.digest = digestIds(ids);
  result.first = ids[0];
  result.last = ids.at(-1);
  result.done = exp.done;
  result.cursor = exp.cursor ?? null;

  // One employee per page, collected with toArray: the same sequence.
  const one = await client.exportTaskProfiles({ limit: 1 }).toArray();
  result.limit1 = { count: one.length, digest: digestIds(one.map((r) => r.external_id)) };

  // Invalid params are refused at once, as a TaskProfilesError naming the field.
  try {
    client.exportTaskProfiles({ limit: 0 });
    result.invalid = { thrown: false };
  } catch (e) {
    result.invalid = {
      thrown: true, instanceOf: e instanceof TaskProfilesError, isError: e instanceof Error,
      name: e.name, kind: e.kind, message: e.message,
    };
  }

  // The CSV stream: the header and the first employee's first rows.
  result.csv = await firstLines(client.exportTaskProfiles().toCsvStream(), 3);

  // Statistics in wasm over the export's page bytes, equal to TaskStats over the records.
  const summary = await client.exportTaskProfiles({ include: ["ai_impact", "weekly_hours", "linked_skills"] }).stats({ topN: 3 });
  const records = await client.exportTaskProfiles({ include: ["ai_impact", "weekly_hours", "linked_skills"], responseFormat: "hierarchy" }).toArray();
  const fromRecords = new TaskStats({ topN: 3 }).add(records).summary();
  result.stats = { employees: summary.employees, tasks: summary.tasks, topTasks: summary.topTasks.length, sameAsRecords: sameJson(summary, fromRecords) };

  // One record converted between the shapes, and back.
  const record = records.find((r) => r.hierarchy.length > 0);
  const list = toList(record, { keepPath: true });
  result.convert = { tasks: list.tasks.length, roundTrip: sameJson(toHierarchy(list), record) };

  return result;
}

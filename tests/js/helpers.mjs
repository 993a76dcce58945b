// Shared by the JS tests: start the sandbox server, and fake fetch implementations.
export { startSandbox, SANDBOX_BIN } from "../../examples/sandbox.mjs";
export const SANDBOX_TOKEN = "sandbox-token";

/** Employees `e0001`… split into pages as the endpoint would send them. */
export function makePages(employees, perPage) {
  const records = Array.from({ length: employees }, (_, i) => ({
    external_id: `e${String(i + 1).padStart(4, "0")}`,
    tasks: [{ task_id: `t${i % 7}`, task: `Task ${i % 7}`, validation_state: "validated" }],
  }));
  const pages = [];
  for (let i = 0; i < records.length || pages.length === 0; i += perPage) {
    const slice = records.slice(i, i + perPage);
    const hasNext = i + perPage < records.length;
    pages.push(hasNext
      ? { has_next: true, next_starting_after: slice.at(-1).external_id, records: slice }
      : { has_next: false, records: slice });
  }
  return { records, pages };
}

export function jsonResponse(body, init = {}) {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
  });
}

/**
 * A fetch that serves `pages` by cursor, after `respond(call)` had its say: return a Response to
 * answer with it, or undefined to serve the page. Every call is recorded, with the `Request` the
 * client sent (`call.request`), its parsed body and its headers.
 */
export function pagedFetch(pages, respond = () => undefined) {
  const byCursor = new Map(pages.map((p, i) => [i === 0 ? undefined : pages[i - 1].next_starting_after, p]));
  const calls = [];
  const fetch = async (request) => {
    const body = JSON.parse(await request.clone().text());
    const call = { url: request.url, request, body, headers: request.headers, index: calls.length };
    calls.push(call);
    const answer = await respond(call);
    if (answer !== undefined) return answer;
    const page = byCursor.get(call.body.starting_after);
    if (!page) {
      // Resuming from a record's external_id in the middle of a page.
      const all = pages.flatMap((p) => p.records);
      const at = all.findIndex((r) => r.external_id === call.body.starting_after);
      if (at < 0) return jsonResponse([{ title: "400 Bad Request", description: "unknown starting_after" }], { status: 400 });
      const rest = all.slice(at + 1, at + 1 + call.body.limit);
      const hasNext = at + 1 + call.body.limit < all.length;
      return jsonResponse(hasNext ? { has_next: true, next_starting_after: rest.at(-1).external_id, records: rest } : { has_next: false, records: rest });
    }
    return jsonResponse(page);
  };
  fetch.calls = calls;
  return fetch;
}

/** A fetch that never answers, but rejects as fetch does when the request's signal aborts. */
export function hangingFetch() {
  const calls = [];
  const fetch = (request) => new Promise((_, reject) => {
    calls.push({ url: request.url, request });
    request.signal.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
  });
  fetch.calls = calls;
  return fetch;
}

export async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

// One export from the endpoint (or the sandbox), possibly in several attempts: each attempt is a
// new `exportTaskProfiles` starting after the cursor the previous one stopped at, so a cancelled
// or failed export resumes with exactly the employees not loaded yet.
import { TaskProfilesClient, type ExportParams } from "task-profiles";
import { Dataset } from "./dataset";
import type { ExportRequest, Progress } from "./protocol";

/** The request without its token: what the session keeps between attempts. */
type Settings = Omit<ExportRequest, "token">;

export class ExportSession {
  readonly settings: Settings;
  /** Where the next attempt starts: the export's cursor after the last page loaded. */
  cursor: string | undefined;
  pages = 0;
  elapsedMs = 0;

  constructor(request: ExportRequest) {
    const { token: _token, ...settings } = request;
    this.settings = settings;
  }

  /** A label for the page: where the data comes from (never the token). */
  label(): string {
    let where = this.settings.baseUrl;
    try {
      const url = new URL(where);
      where = `${url.origin}${url.pathname.replace(/\/$/, "")}`;
    } catch {
      // The client refuses it with a clear message; keep the text as typed.
    }
    return `${this.settings.source === "sandbox" ? "sandbox" : "endpoint"} at ${where}`;
  }

  progress(dataset: Dataset, attemptStarted: number | null): Progress {
    const employees = dataset.index.employees;
    const expected = this.settings.activeOnly ? null : this.settings.expected;
    return {
      pages: this.pages,
      employees,
      cursor: this.cursor ?? null,
      elapsedMs: this.elapsedMs + (attemptStarted === null ? 0 : performance.now() - attemptStarted),
      fraction: expected ? Math.min(1, employees / expected) : null,
    };
  }

  /**
   * Runs one attempt with `baseUrl` and `token` (a resume may bring a corrected token), adding
   * every page to `dataset` and calling `onPage(started)` after each. Rejects with the package's
   * error (kind, message, cursor) when the export fails or `signal` aborts it.
   */
  async attempt(dataset: Dataset, connection: { baseUrl: string; token: string }, signal: AbortSignal, onPage: (started: number) => void): Promise<void> {
    const started = performance.now();
    const { limit, include, externalVendor, responseFormat, activeOnly } = this.settings;
    try {
      const client = new TaskProfilesClient({ baseUrl: connection.baseUrl, token: connection.token });
      const params: ExportParams = {
        limit,
        include,
        responseFormat,
        signal,
        ...(externalVendor ? { externalVendor } : {}),
        ...(activeOnly ? { filters: [{ filter: "is_active", is_active: true }] } : {}),
        ...(this.cursor !== undefined ? { startingAfter: this.cursor } : {}),
      };
      const exp = client.exportTaskProfiles(params);
      for await (const bytes of exp.rawPages()) {
        dataset.addPage(bytes);
        // Only once the page is in: a page refused by addPage is asked for again on resume.
        this.pages += 1;
        this.cursor = exp.cursor ?? this.cursor;
        onPage(started);
      }
      this.cursor = undefined;
    } finally {
      this.elapsedMs += performance.now() - started;
    }
  }
}

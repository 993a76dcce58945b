// Progress while loading (employees and pages so far, rate, the cursor), the outcome (complete,
// partial after Cancel, or the error's kind and message) and the header's source line.
import type { Store } from "../state/store";
import { byId, h } from "../util/dom";
import { formatCount, formatDuration, plural } from "../util/format";
import { renderSoon } from "../util/frame";

export function mountProgress(store: Store): void {
  const bar = byId<HTMLProgressElement>("load-progress");
  const counts = byId("progress-counts");
  const cursor = byId("progress-cursor");
  const statusLine = byId("load-status");
  const errorBox = byId("load-error");
  const sourceLine = byId("source-line");

  const drawProgress = () => {
    const progress = store.state.progress;
    if (!progress) return;
    const loading = store.state.status.phase === "loading";
    if (progress.fraction !== null) bar.value = progress.fraction;
    else if (loading) bar.removeAttribute("value"); // indeterminate: the endpoint does not say how many there are
    else bar.value = progress.employees > 0 ? 1 : 0;
    const seconds = progress.elapsedMs / 1000;
    const rate = seconds > 0.2 ? `, ${formatCount(progress.employees / seconds)} employees/s` : "";
    counts.textContent = `${plural(progress.employees, "employee")}, ${plural(progress.pages, "page")} in ${formatDuration(progress.elapsedMs)}${rate}`;
    cursor.hidden = progress.cursor === null;
    cursor.replaceChildren("Cursor: ", h("code", {}, progress.cursor ?? ""));
  };
  store.on("progress", () => renderSoon("progress", drawProgress));

  store.on("status", () => {
    const { phase, error, label, source } = store.state.status;
    const employees = store.state.progress?.employees ?? 0;
    statusLine.classList.toggle("partial", phase === "partial" || phase === "error");
    const what = source === "file" ? "Loading" : source === "shards" ? "Merging" : "Exporting";
    statusLine.textContent = {
      idle: "",
      loading: `${what}…`,
      done: source === "shards" ? "Shards merged." : `Complete: ${plural(employees, "employee")}.`,
      partial: `Partial: cancelled after ${plural(employees, "employee")}. The charts show what was loaded; Resume continues from the cursor.`,
      error: `Stopped by an error after ${plural(employees, "employee")}${employees ? "; the charts show what was loaded" : ""}.`,
    }[phase];
    errorBox.hidden = !error || phase === "partial";
    if (error && phase !== "partial") {
      const resume = store.state.status.canResume
        ? h("p", {}, error.cursor ? "Resume continues after " : "Resume starts again from the beginning.", error.cursor ? h("code", {}, error.cursor) : null)
        : "";
      errorBox.replaceChildren(
        h("p", {}, h("strong", {}, `Error: ${error.kind}`), error.status ? ` (HTTP ${error.status})` : ""),
        h("p", { class: "error-message" }, error.message),
        resume,
      );
    }
    const state = phase === "partial" ? " (partial)" : phase === "error" ? " (stopped by an error)" : phase === "loading" ? " (loading…)" : "";
    sourceLine.textContent = label ? `Source: ${label}${state}` : "No data loaded yet: connect a source.";
    renderSoon("progress", drawProgress);
  });
}

// The Downloads panel: CSV, NDJSON, the summary and the statistics shard of what was loaded
// (made in the worker), and the upload of shards to merge.
import type { Store } from "../state/store";
import type { WorkerClient } from "../state/worker-client";
import { byId } from "../util/dom";
import { formatBytes } from "../util/format";
import { saveFile } from "../util/save-file";
import type { DownloadKind } from "../worker/protocol";

export function mountDownloads(store: Store, worker: WorkerClient): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>("button[data-download]")];
  const shardInput = byId<HTMLInputElement>("shard-input");
  const status = byId("download-status");

  for (const button of buttons) {
    button.addEventListener("click", () => {
      status.textContent = `Preparing the ${button.textContent} download…`;
      worker.send({ type: "download", what: button.dataset.download as DownloadKind });
    });
  }
  worker.on("download", ({ blob, name }) => {
    saveFile(blob, name);
    status.textContent = `Saved ${name} (${formatBytes(blob.size)}).`;
  });
  worker.on("failure", ({ context, error }) => {
    if (context === "download") status.textContent = `No download: ${error.message}`;
  });
  shardInput.addEventListener("change", () => {
    const files = [...(shardInput.files ?? [])];
    if (files.length && store.state.status.phase !== "loading") worker.send({ type: "load-shards", files });
    shardInput.value = "";
  });

  const update = () => {
    const { phase, source } = store.state.status;
    const loaded = (store.state.snapshot?.loadedEmployees ?? 0) > 0 || source === "shards";
    for (const button of buttons) {
      const needsRecords = button.dataset.download === "csv" || button.dataset.download === "ndjson";
      button.disabled = phase === "loading" || !loaded || (needsRecords && source === "shards");
    }
    shardInput.disabled = phase === "loading";
  };
  store.on("status", update);
  store.on("snapshot", update);
  update();
}

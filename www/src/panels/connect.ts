// The Connect panel: the data source (the sandbox, any endpoint, or saved files dropped or
// picked), the export options, and Export / Cancel / Resume. The token is read from its field
// when an export starts or resumes and goes to the worker only.
import type { ExternalVendor, IncludeField, ResponseFormat } from "task-profiles";
import type { Store } from "../state/store";
import type { WorkerClient } from "../state/worker-client";
import { byId } from "../util/dom";
import { formatCount } from "../util/format";
import type { ExportRequest } from "../worker/protocol";
import { loadSandboxConfig, type SandboxConfig } from "./connect-config";

type Source = "sandbox" | "endpoint" | "file";

export function mountConnect(store: Store, worker: WorkerClient): void {
  const form = byId<HTMLFormElement>("connect-form");
  const baseUrl = byId<HTMLInputElement>("base-url");
  const token = byId<HTMLInputElement>("token");
  const endpointFields = byId("endpoint-fields");
  const fileFields = byId("file-fields");
  const fileInput = byId<HTMLInputElement>("file-input");
  const sandboxNote = byId("sandbox-note");
  const exportButton = byId<HTMLButtonElement>("export-button");
  const cancelButton = byId<HTMLButtonElement>("cancel-button");
  const resumeButton = byId<HTMLButtonElement>("resume-button");
  const options = byId<HTMLDetailsElement>("export-options");
  let sandbox: SandboxConfig | null = null;

  const source = (): Source => (form.querySelector<HTMLInputElement>('input[name="source"]:checked')?.value ?? "endpoint") as Source;

  const showSource = () => {
    const current = source();
    endpointFields.hidden = current === "file";
    fileFields.hidden = current !== "file";
    options.hidden = current === "file";
    exportButton.textContent = current === "file" ? "Load files" : "Export";
    sandboxNote.hidden = current !== "sandbox";
    baseUrl.readOnly = current === "sandbox";
    if (current === "sandbox" && sandbox) {
      baseUrl.value = sandbox.baseUrl;
      token.value = sandbox.token;
    }
  };
  form.addEventListener("change", (event) => {
    const target = event.target as HTMLInputElement;
    if (target.name !== "source") return;
    if (target.value === "endpoint" && baseUrl.readOnly) {
      // Leaving the sandbox: its URL and token are not the endpoint's.
      baseUrl.value = "";
      token.value = "";
    }
    showSource();
  });

  void loadSandboxConfig().then((config) => {
    if (!config) return;
    sandbox = config;
    byId("source-sandbox-choice").hidden = false;
    sandboxNote.textContent = `The sandbox at ${config.baseUrl}${config.employees ? ` serves ${formatCount(config.employees)} synthetic employees` : ""}; its token is filled in.`;
    const choice = form.querySelector<HTMLInputElement>('input[name="source"][value="sandbox"]')!;
    choice.checked = true;
    showSource();
  });

  const request = (): ExportRequest | null => {
    const current = source();
    if (current === "file") return null;
    for (const field of [baseUrl, token]) {
      if (!field.value.trim()) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
        return null;
      }
      field.removeAttribute("aria-invalid");
    }
    const include = [...form.querySelectorAll<HTMLInputElement>('input[name="include"]:checked')].map((i) => i.value as IncludeField);
    const vendor = byId<HTMLSelectElement>("external-vendor").value;
    return {
      source: current,
      baseUrl: baseUrl.value.trim(),
      token: token.value,
      // Sent as typed: the package refuses a bad one with a message naming the field.
      limit: Number(byId<HTMLInputElement>("page-size").value),
      include,
      externalVendor: vendor ? (vendor as ExternalVendor) : null,
      responseFormat: (form.querySelector<HTMLInputElement>('input[name="format"]:checked')?.value ?? "hierarchy") as ResponseFormat,
      activeOnly: byId<HTMLInputElement>("active-only").checked,
      expected: current === "sandbox" ? sandbox?.employees ?? null : null,
    };
  };

  const loadFiles = (files: File[]) => {
    if (!files.length || store.state.status.phase === "loading") return;
    form.querySelector<HTMLInputElement>('input[name="source"][value="file"]')!.checked = true;
    showSource();
    worker.send({ type: "load-files", files });
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (source() === "file") {
      if (fileInput.files?.length) loadFiles([...fileInput.files]);
      else fileInput.click();
      return;
    }
    const next = request();
    if (next) worker.send({ type: "export", request: next, resume: false });
  });
  cancelButton.addEventListener("click", () => worker.send({ type: "cancel" }));
  resumeButton.addEventListener("click", () => {
    const next = request();
    if (next) worker.send({ type: "export", request: next, resume: true });
  });
  fileInput.addEventListener("change", () => loadFiles([...(fileInput.files ?? [])]));

  // Files dropped anywhere on the page.
  let depth = 0;
  document.addEventListener("dragenter", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    depth += 1;
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove("dragging");
  });
  document.addEventListener("dragover", (event) => {
    if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    depth = 0;
    document.body.classList.remove("dragging");
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    loadFiles(files);
  });

  store.on("status", () => {
    const { phase, canResume, source: loaded } = store.state.status;
    const busy = phase === "loading";
    exportButton.disabled = busy;
    cancelButton.disabled = !busy;
    resumeButton.hidden = busy || !canResume || (loaded !== "sandbox" && loaded !== "endpoint");
  });
  showSource();
}

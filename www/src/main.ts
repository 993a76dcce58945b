// The dashboard's entry: the store, the export worker, and each part of the page mounted on
// the markup of index.html.
import "./styles.css";
import { mountCharts } from "./charts";
import { warmUpCharts } from "./charts/warm-up";
import { mountConnect } from "./panels/connect";
import { mountDownloads } from "./panels/downloads";
import { mountFilters } from "./panels/filters";
import { mountKpis } from "./panels/kpis";
import { mountProgress } from "./panels/progress";
import { mountTheme } from "./panels/theme";
import { Store } from "./state/store";
import { ViewController } from "./state/view-controller";
import { WorkerClient } from "./state/worker-client";
import { setLoading } from "./util/frame";
import { LazyDraw } from "./util/lazy-draw";
import { mountEmployeeTable } from "./table/employee-table";
import { mountProfile } from "./table/profile";
import { mountTree } from "./tree/tree-view";

const store = new Store();
const worker = new WorkerClient();
const lazy = new LazyDraw();
// First of the status listeners: the end of a load flushes every redraw held back while loading.
store.on("status", () => {
  const loading = store.state.status.phase === "loading";
  setLoading(loading);
  lazy.setLoading(loading);
});
worker.on("status", ({ status }) => store.setStatus(status));
worker.on("progress", ({ progress }) => store.setProgress(progress));
worker.on("snapshot", ({ snapshot }) => store.setSnapshot(snapshot));
worker.on("failure", ({ context, error }) => {
  if (context === "view") store.setStatus({ ...store.state.status, error });
});

mountTheme();
mountProgress(store);
mountKpis(store);
mountCharts(store, lazy);
warmUpCharts();
mountEmployeeTable(store, worker, lazy);
mountProfile(store, worker);
const views = new ViewController(store, worker);
mountTree(store, views, lazy);
mountFilters(store, views);
mountConnect(store, worker);
mountDownloads(store, worker);
// Lets a page (and the tests) know the worker has loaded the package.
worker.on("ready", () => document.documentElement.setAttribute("data-worker", "ready"));

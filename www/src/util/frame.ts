// Rendering a little at a time, so that a burst of snapshots never becomes one long task on the
// main thread. Each part of the page queues its redraw under a key (a newer one replaces a
// queued one). Redraws run in their own short tasks, a few milliseconds' worth at a time; a
// redraw that builds something big (a chart) builds it detached and hands the swap into the page
// to `commitInFrame`, which applies it in the next animation frame. So building a chart and the
// browser's layout and paint of it fall in different tasks, and no part redraws more than once
// per frame.

const BUILD_BUDGET_MS = 4;
const builds = new Map<string, () => void>();
const commits: (() => void)[] = [];
const channel = new MessageChannel();
let buildScheduled = false;
let frameScheduled = false;
let loading = false;

channel.port1.onmessage = runBuilds;

/** Queues `draw` as the redraw of `key`. */
export function renderSoon(key: string, draw: () => void): void {
  builds.set(key, draw);
  scheduleBuilds();
  updateBusy();
}

/** Applies `commit` (a DOM change prepared by a redraw) in the next animation frame. */
export function commitInFrame(commit: () => void): void {
  commits.push(commit);
  scheduleFrame();
}

/** Data is arriving: <main> stays aria-busy until it is all in and drawn. */
export function setLoading(on: boolean): void {
  loading = on;
  updateBusy();
}

function scheduleBuilds(): void {
  if (buildScheduled || frameScheduled) return;
  buildScheduled = true;
  channel.port2.postMessage(null);
}

function scheduleFrame(): void {
  if (frameScheduled) return;
  frameScheduled = true;
  requestAnimationFrame(runFrame);
}

function runBuilds(): void {
  buildScheduled = false;
  const start = performance.now();
  for (const [key, draw] of builds) {
    builds.delete(key);
    try {
      draw();
      // A user-timing entry per redraw: DevTools' performance panel shows which part took the time.
      performance.measure(`redraw ${key}`, { start });
    } catch (e) {
      console.error(`redrawing ${key} failed`, e);
    }
    if (commits.length || performance.now() - start > BUILD_BUDGET_MS) break;
  }
  // Prepared changes go in at the next frame; the remaining builds wait until after it.
  if (commits.length) scheduleFrame();
  else if (builds.size) scheduleBuilds();
  updateBusy();
}

function runFrame(): void {
  frameScheduled = false;
  for (const commit of commits.splice(0)) {
    try {
      commit();
    } catch (e) {
      console.error("applying a redraw failed", e);
    }
  }
  // Posted from the frame, the next builds run after this frame's layout and paint.
  if (builds.size) scheduleBuilds();
  updateBusy();
}

/** aria-busy on <main> while data arrives or redraws are pending: assistive technology waits for the whole update. */
function updateBusy(): void {
  const main = document.getElementById("main");
  if (loading || builds.size > 0 || commits.length > 0 || buildScheduled || frameScheduled) main?.setAttribute("aria-busy", "true");
  else main?.removeAttribute("aria-busy");
}

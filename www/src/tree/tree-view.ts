// The task tree section: grouping and layout controls, the breadcrumb, and the treemap or
// sunburst of the zoomed group. Keyboard: Tab reaches each tile, Enter (or Space) zooms into a
// group or describes a task, Escape zooms out. The zoom path is part of the view (the URL).
import type { Store } from "../state/store";
import type { TreeLayout } from "../state/url";
import type { ViewController } from "../state/view-controller";
import { byId, h } from "../util/dom";
import { commitInFrame } from "../util/frame";
import type { LazyDraw } from "../util/lazy-draw";
import { widthOf } from "../util/width";
import type { TreeBy } from "../worker/protocol";
import { levelColor, seriesColor } from "../charts/palette";
import { onThemeChange } from "../panels/theme";
import { describe, isGroup, resolveZoom, toHierarchy, type TreeNode } from "./model";
import { drawSunburst } from "./sunburst";
import { drawTreemap } from "./treemap";

export function mountTree(store: Store, views: ViewController, lazy: LazyDraw): void {
  const canvas = byId("tree-canvas");
  const breadcrumb = byId("tree-breadcrumb");
  const detail = byId("tree-detail");
  const suppressed = byId("tree-suppressed");
  const treeBy = byId<HTMLSelectElement>("tree-by");
  const layoutInputs = [...document.querySelectorAll<HTMLInputElement>('input[name="tree-layout"]')];
  let nodes: TreeNode[] = [];
  let found: string[] = [];
  /** After a zoom by keyboard: which tile gets the focus once redrawn ("first", or a name). */
  let focusAfterDraw: string | null = null;

  treeBy.addEventListener("change", () => views.update({ treeBy: treeBy.value as TreeBy, zoom: [] }));
  for (const input of layoutInputs) input.addEventListener("change", () => views.update({ layout: input.value as TreeLayout }));

  const zoomTo = (path: string[], focus: string | null) => {
    focusAfterDraw = focus;
    views.update({ zoom: path });
  };
  const activate = (index: number) => {
    const node = nodes[index];
    if (!node) return;
    if (isGroup(node.data) && node.children?.length) zoomTo([...found, node.data.name], "first");
    else detail.textContent = describe(node);
  };
  canvas.addEventListener("click", (event) => {
    const tile = (event.target as Element).closest<SVGGElement>(".tile");
    if (tile) activate(Number(tile.dataset.index));
  });
  canvas.addEventListener("keydown", (event) => {
    const tile = (event.target as Element).closest<SVGGElement>(".tile");
    if ((event.key === "Enter" || event.key === " ") && tile) {
      event.preventDefault();
      activate(Number(tile.dataset.index));
    } else if (event.key === "Escape" && found.length) {
      event.preventDefault();
      zoomTo(found.slice(0, -1), found.at(-1)!);
    }
  });
  canvas.addEventListener("focusin", (event) => {
    const tile = (event.target as Element).closest<SVGGElement>(".tile");
    const node = tile ? nodes[Number(tile.dataset.index)] : undefined;
    if (node) detail.textContent = describe(node);
  });

  const draw = () => {
    const view = store.state.view;
    const snapshot = store.state.snapshot;
    treeBy.value = view.treeBy;
    for (const input of layoutInputs) input.checked = input.value === view.layout;
    const tree = snapshot?.tree;
    if (!snapshot || !tree) {
      nodes = [];
      canvas.replaceChildren(h("p", { class: "hint" }, snapshot?.suppressedView ? `Hidden: fewer than ${view.k} employees match.` : "The tree appears as data arrives."));
      breadcrumb.replaceChildren();
      suppressed.textContent = "";
      return;
    }
    const zoom = resolveZoom(tree, view.zoom);
    found = zoom.found;
    const root = toHierarchy(zoom.node);
    nodes = root.children ?? [];
    drawBreadcrumb(tree.name, found, view.zoom.length > found.length ? view.zoom.slice(found.length) : []);

    const width = Math.max(280, widthOf(canvas) || 600);
    const colorOf = (node: TreeNode, i: number) => (/^H[1-5]$|^unknown$/.test(node.data.name) ? levelColor(node.data.name) : seriesColor(i));
    const svg = view.layout === "treemap"
      ? drawTreemap(root, width, Math.round(Math.min(460, Math.max(300, width * 0.55))), colorOf)
      : drawSunburst(root, Math.min(width, 480), colorOf);
    const notes: string[] = [];
    if (snapshot.treeBy !== view.treeBy) notes.push("No taxonomy was learned (it comes with the hierarchy format): grouped by AI impact level.");
    if (snapshot.suppressed.treeLeaves) notes.push(`${snapshot.suppressed.treeLeaves} tasks hidden: fewer than ${view.k} employees.`);
    const focus = focusAfterDraw;
    focusAfterDraw = null;
    const drawn = nodes;
    commitInFrame(() => {
      canvas.replaceChildren(drawn.length ? svg : h("p", { class: "hint" }, "Nothing to show at this level."));
      suppressed.textContent = notes.join(" ");
      if (focus !== null) {
        const tiles = [...canvas.querySelectorAll<SVGGElement>(".tile")];
        const target = focus === "first" ? tiles[0] : tiles[drawn.findIndex((n) => n.data.name === focus)] ?? tiles[0];
        target?.focus();
      }
    });
  };

  const drawBreadcrumb = (rootName: string, path: string[], missing: string[]) => {
    const items = [rootName, ...path];
    breadcrumb.replaceChildren(h("ol", {}, ...items.map((name, i) => {
      if (i === items.length - 1) return h("li", {}, h("span", { "aria-current": "page" }, name));
      const button = h("button", { type: "button" }, name);
      button.addEventListener("click", () => zoomTo(path.slice(0, i), "first"));
      return h("li", {}, button);
    })), missing.length ? h("p", { class: "hint" }, `“${missing.join(" › ")}” is not in this view.`) : "");
  };

  const card = canvas.closest("section")!;
  const redraw = () => lazy.request("tree", card, draw);
  store.on("snapshot", redraw);
  store.on("view", redraw);
  onThemeChange(redraw);
  window.addEventListener("resize", redraw);
}

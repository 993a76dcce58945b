// The view in the page's URL: filters, privacy threshold, tree grouping, layout and zoom. Back and
// forward restore it, and a copied URL opens the same view. Nothing else goes in the URL: never
// the token, the base URL or an employee.
import type { TreeBy } from "../worker/protocol";

export type TreeLayout = "treemap" | "sunburst";

export interface ViewState {
  levels: string[];
  states: string[];
  query: string;
  k: number;
  treeBy: TreeBy;
  layout: TreeLayout;
  /** Names from the tree's root to the zoomed-in group. */
  zoom: string[];
}

export const DEFAULT_K = 5;
const TREE_BY: readonly TreeBy[] = ["taxonomy", "ai_impact_level", "validation_state", "ai_impact_level,validation_state"];
const LAYOUTS: readonly TreeLayout[] = ["treemap", "sunburst"];
const MAX_K = 1000;

export const DEFAULT_VIEW: ViewState = { levels: [], states: [], query: "", k: DEFAULT_K, treeBy: "taxonomy", layout: "treemap", zoom: [] };

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** The view a query string describes; what it does not say (or says wrongly) stays the default. */
export function readView(search: string): ViewState {
  const q = new URLSearchParams(search);
  const k = Number(q.get("k"));
  return {
    levels: q.getAll("level").filter(Boolean),
    states: q.getAll("state").filter(Boolean),
    query: q.get("q") ?? "",
    k: q.has("k") && Number.isInteger(k) && k >= 1 && k <= MAX_K ? k : DEFAULT_K,
    treeBy: oneOf(q.get("tree"), TREE_BY, DEFAULT_VIEW.treeBy),
    layout: oneOf(q.get("layout"), LAYOUTS, DEFAULT_VIEW.layout),
    zoom: q.getAll("zoom"),
  };
}

/** The query string of `view`, leaving defaults out ("" for the default view). */
export function writeView(view: ViewState): string {
  const q = new URLSearchParams();
  for (const level of view.levels) q.append("level", level);
  for (const state of view.states) q.append("state", state);
  if (view.query) q.set("q", view.query);
  if (view.k !== DEFAULT_K) q.set("k", String(view.k));
  if (view.treeBy !== DEFAULT_VIEW.treeBy) q.set("tree", view.treeBy);
  if (view.layout !== DEFAULT_VIEW.layout) q.set("layout", view.layout);
  for (const name of view.zoom) q.append("zoom", name);
  const text = q.toString();
  return text ? `?${text}` : "";
}

export { MAX_K };

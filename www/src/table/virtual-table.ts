// A table that draws only the rows in sight (plus a few), so that 20,000 rows scroll smoothly:
// the body has the full height, and the visible rows are positioned in it. ARIA table roles with
// aria-rowcount and aria-rowindex tell assistive technology where each drawn row is.
import { h } from "../util/dom";
import { renderSoon } from "../util/frame";

export const ROW_HEIGHT = 34;
const OVERSCAN = 6;

export interface Column {
  title: string;
  numeric?: boolean;
}

export interface VirtualTableSource {
  count: number;
  /** The cells of row `i`: the first is an element (e.g. a button), the others text. */
  cells(i: number): [HTMLElement, ...string[]];
  /** Whether row `i` is the current one. */
  current(i: number): boolean;
}

export class VirtualTable {
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  readonly #key: string;
  #source: VirtualTableSource = { count: 0, cells: () => [h("span")], current: () => false };

  constructor(label: string, columns: Column[], key: string) {
    this.#key = key;
    this.#body = h("div", { class: "body", role: "rowgroup" });
    const head = h("div", { class: "head", role: "rowgroup" },
      h("div", { role: "row", "aria-rowindex": 1 }, ...columns.map((c) => h("div", { role: "columnheader", class: c.numeric ? "num" : null }, c.title))));
    this.element = h("div", { class: "virtual-table", role: "table", "aria-label": label, "aria-rowcount": 1 }, head, this.#body);
    this.element.addEventListener("scroll", () => renderSoon(this.#key, () => this.draw()), { passive: true });
    // Arrow keys move between the rows' buttons, scrolling as they go.
    this.element.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const row = (event.target as Element).closest<HTMLElement>("[data-row]");
      if (!row) return;
      event.preventDefault();
      this.focusRow(Number(row.dataset.row) + (event.key === "ArrowDown" ? 1 : -1));
    });
  }

  setSource(source: VirtualTableSource): void {
    this.#source = source;
    this.element.setAttribute("aria-rowcount", String(source.count + 1));
    this.#body.style.height = `${source.count * ROW_HEIGHT}px`;
    renderSoon(this.#key, () => this.draw());
  }

  /** Scrolls row `i` into sight and focuses its first cell's control. */
  focusRow(i: number): void {
    if (i < 0 || i >= this.#source.count) return;
    const top = i * ROW_HEIGHT, view = this.element.clientHeight - ROW_HEIGHT; // less the sticky header
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    this.draw();
    this.#body.querySelector<HTMLElement>(`[data-row="${i}"] button`)?.focus();
  }

  draw(): void {
    const { count } = this.#source;
    const scroll = Math.max(0, this.element.scrollTop - ROW_HEIGHT);
    const first = Math.max(0, Math.floor(scroll / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((scroll + this.element.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const focused = this.#body.contains(document.activeElement) ? (document.activeElement?.closest<HTMLElement>("[data-row]")?.dataset.row ?? null) : null;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const [control, ...texts] = this.#source.cells(i);
      rows.push(h("div", {
        role: "row", "data-row": i, "aria-rowindex": i + 2, "aria-current": this.#source.current(i) ? "true" : null,
        style: `top:${i * ROW_HEIGHT}px`,
      }, h("div", { role: "cell" }, control), ...texts.map((text) => h("div", { role: "cell", class: "num" }, text))));
    }
    this.#body.replaceChildren(...rows);
    if (focused !== null) this.#body.querySelector<HTMLElement>(`[data-row="${focused}"] button`)?.focus({ preventScroll: true });
  }
}

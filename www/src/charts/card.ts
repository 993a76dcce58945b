// A chart card of index.html: the chart, a data table with the same numbers (for screen readers,
// and for anyone who wants the figures), and the count of groups held back by the privacy threshold.
import { byId, h } from "../util/dom";
import { commitInFrame } from "../util/frame";
import { widthOf } from "../util/width";

export type Cell = string | number;

/**
 * A Plot chart as one image: Plot labels its mark groups ("bar", "rule"…), which is not allowed
 * on an SVG <g> without a role; the chart's own label and the data table say what it shows.
 */
export function asImage(chart: Element, label: string): Element {
  for (const svg of chart instanceof SVGSVGElement ? [chart] : [...chart.querySelectorAll("svg")]) {
    for (const part of svg.querySelectorAll("[aria-label], [aria-description]")) {
      part.removeAttribute("aria-label");
      part.removeAttribute("aria-description");
    }
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
  }
  return chart;
}

export class ChartCard {
  readonly body: HTMLElement;
  readonly #suppressed: HTMLElement;
  readonly #tableHost: HTMLElement;
  readonly #title: string;

  constructor(id: string) {
    const card = byId(id);
    this.body = card.querySelector<HTMLElement>(".chart-body")!;
    this.#suppressed = card.querySelector<HTMLElement>(".suppressed")!;
    this.#tableHost = card.querySelector<HTMLElement>(".table-host")!;
    this.#title = card.querySelector("h3")!.textContent ?? id;
  }

  /** The width available to the chart. */
  get width(): number {
    return Math.max(240, widthOf(this.body) || 360);
  }

  show(chart: Element): void {
    if (chart instanceof SVGSVGElement) asImage(chart, `${this.#title}: chart; the data table below has the numbers`);
    commitInFrame(() => this.body.replaceChildren(chart));
  }

  empty(message: string): void {
    const note = h("p", { class: "empty" }, message);
    commitInFrame(() => {
      this.body.replaceChildren(note);
      this.#tableHost.replaceChildren();
    });
  }

  table(headers: string[], rows: Cell[][], numeric: boolean[]): void {
    const table = h("table", {},
      h("thead", {}, h("tr", {}, ...headers.map((text, i) => h("th", { scope: "col", class: numeric[i] ? "num" : null }, text)))),
      h("tbody", {}, ...rows.map((row) => h("tr", {}, ...row.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", { class: numeric[i] ? "num" : null }, cell)))))),
    );
    commitInFrame(() => this.#tableHost.replaceChildren(table));
  }

  suppressed(count: number, what: string, k: number): void {
    const text = count ? `${count} ${what} hidden: fewer than ${k} employees.` : "";
    commitInFrame(() => { this.#suppressed.textContent = text; });
  }
}

// Redraws while data streams in, kept light: a part of the page that is off screen waits until
// it scrolls into view or the data is all in, and one on screen redraws at most every
// LOADING_INTERVAL_MS (its latest state: nothing is lost, only intermediate frames). When
// nothing is loading, every request goes straight to the frame scheduler.
import { renderSoon } from "./frame";

const LOADING_INTERVAL_MS = 750;

interface Part {
  element: Element;
  draw: (() => void) | null;
  visible: boolean;
  last: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class LazyDraw {
  readonly #parts = new Map<string, Part>();
  readonly #observer: IntersectionObserver;
  #loading = false;

  constructor() {
    this.#observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        for (const [key, part] of this.#parts) {
          if (part.element !== entry.target) continue;
          part.visible = entry.isIntersecting;
          if (part.visible && part.draw) this.#run(key, part);
        }
      }
    }, { rootMargin: "200px" });
  }

  setLoading(on: boolean): void {
    this.#loading = on;
    if (!on) for (const [key, part] of this.#parts) if (part.draw) this.#run(key, part);
  }

  /** Asks for `draw` to redraw the part `key`, shown in `element`. */
  request(key: string, element: Element, draw: () => void): void {
    let part = this.#parts.get(key);
    if (!part) {
      part = { element, draw: null, visible: false, last: 0, timer: null };
      this.#parts.set(key, part);
      this.#observer.observe(element);
      // Until the observer's first report, treat it as visible.
      part.visible = true;
    }
    part.draw = draw;
    if (!this.#loading) return this.#run(key, part);
    if (!part.visible || part.timer) return;
    const wait = part.last + LOADING_INTERVAL_MS - performance.now();
    if (wait <= 0) this.#run(key, part);
    else part.timer = setTimeout(() => { part!.timer = null; if (part!.draw) this.#run(key, part!); }, wait);
  }

  #run(key: string, part: Part): void {
    const draw = part.draw;
    if (!draw) return;
    part.draw = null;
    part.last = performance.now();
    if (part.timer) {
      clearTimeout(part.timer);
      part.timer = null;
    }
    renderSoon(key, draw);
  }
}

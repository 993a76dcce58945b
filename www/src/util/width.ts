// Element widths from a ResizeObserver, so that drawing a chart never forces a layout of a page
// another chart has just changed (reading clientWidth would).

const widths = new WeakMap<Element, number>();
const observer = new ResizeObserver((entries) => {
  for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
});

/** The content width of `element` (measured once, then kept up to date by the observer). */
export function widthOf(element: Element): number {
  let width = widths.get(element);
  if (width === undefined) {
    width = element.clientWidth;
    widths.set(element, width);
    observer.observe(element);
  }
  return width;
}

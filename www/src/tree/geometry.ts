// SVG helpers shared by the treemap and the sunburst: labels that fit, and annular sectors.

const CHAR_WIDTH = 6.6; // at 12px, a little wider than the average character

/** `text` cut to fit `width` pixels ("" when not even a few characters fit). */
export function fit(text: string, width: number): string {
  const chars = Math.floor(width / CHAR_WIDTH);
  if (chars < 4) return "";
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** An annular sector from angle a0 to a1 (radians, clockwise from 12 o'clock), radii r0 to r1. */
export function sector(a0: number, a1: number, r0: number, r1: number): string {
  if (a1 - a0 >= 2 * Math.PI - 1e-6) {
    // A full ring: two halves, since one arc cannot start and end at the same point.
    return `${sector(a0, a0 + Math.PI, r0, r1)}${sector(a0 + Math.PI, a1, r0, r1)}`;
  }
  const point = (a: number, r: number) => `${(r * Math.sin(a)).toFixed(2)},${(-r * Math.cos(a)).toFixed(2)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M${point(a0, r1)}A${r1},${r1} 0 ${large} 1 ${point(a1, r1)}L${point(a1, r0)}A${r0},${r0} 0 ${large} 0 ${point(a0, r0)}Z`;
}

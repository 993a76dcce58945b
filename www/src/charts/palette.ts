// Chart colours from the theme's CSS variables, so that both themes are drawn in their own colours.

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The fill of an AI-impact level: H1 (most automatable) warm to H5 (least) blue; others grey. */
export function levelColor(level: string): string {
  const match = /^H([1-5])$/.exec(level);
  return cssVar(match ? `--level-${match[1]}` : "--level-unknown");
}

/** The n-th colour of the categorical series (cycling). */
export function seriesColor(n: number): string {
  return cssVar(`--series-${(n % 4) + 1}`);
}

export function textColor(): string {
  return cssVar("--text");
}

export function mutedColor(): string {
  return cssVar("--muted");
}

// The light/dark toggle. Without a choice the page follows prefers-color-scheme; a choice is
// remembered in localStorage (a display preference only: nothing else is ever stored).
import { byId } from "../util/dom";

const KEY = "task-profiles-dashboard:theme";
type Theme = "light" | "dark";

const media = window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

export function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return media.matches ? "dark" : "light";
}

/** Calls `listener` after the theme changed (charts read their colours again). */
export function onThemeChange(listener: () => void): void {
  listeners.add(listener);
}

function readChoice(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null; // Storage can be disabled; the system's preference then applies.
  }
}

export function mountTheme(): void {
  const button = byId<HTMLButtonElement>("theme-toggle");
  const choice = readChoice();
  if (choice) document.documentElement.dataset.theme = choice;
  const show = () => {
    const dark = currentTheme() === "dark";
    button.setAttribute("aria-pressed", String(dark));
    button.textContent = "Dark theme";
    for (const listener of listeners) listener();
  };
  button.addEventListener("click", () => {
    const next: Theme = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered; it still applies to this page.
    }
    show();
  });
  media.addEventListener("change", show);
  show();
}

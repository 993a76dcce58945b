// Every failure as the page shows it: a kind and a message. The package's errors already carry
// a kind and never the token; other failures get a kind of their own here.
import { TaskProfilesError } from "task-profiles";
import type { ErrorInfo } from "./protocol";

/** A problem with a dropped or picked file (its name and line are in the message). */
export class InputError extends Error {
  readonly kind: string;
  constructor(message: string, kind = "invalid_input") {
    super(message);
    this.kind = kind;
  }
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof TaskProfilesError) {
    return {
      kind: e.kind,
      message: e.message,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.cursor !== undefined ? { cursor: e.cursor } : {}),
    };
  }
  if (e instanceof InputError) return { kind: e.kind, message: e.message };
  if (e instanceof DOMException && e.name === "AbortError") return { kind: "aborted", message: e.message };
  if (e instanceof SyntaxError) return { kind: "invalid_input", message: e.message };
  return { kind: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** The same error with `where` (a file name, a line) in front of its message, kind kept. */
export function located(e: unknown, where: string): Error {
  const info = errorInfo(e);
  return new InputError(`${where}: ${info.message}`, info.kind);
}

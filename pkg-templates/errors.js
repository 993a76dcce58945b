// The one error class of the package. The Rust side constructs it (see `registerErrorClass`), so
// every error of every build target is an instance of this class.

/** Every error the library throws. `kind` says what happened; the token never appears in it. */
export class TaskProfilesError extends Error {
  constructor(init) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TaskProfilesError";
    this.kind = init.kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.title !== undefined) this.title = init.title;
    if (init.description !== undefined) this.description = init.description;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

/** An `invalid_params` error naming the option or argument the caller got wrong. */
export function invalid(field, problem) {
  return new TaskProfilesError({ kind: "invalid_params", message: `${field}: ${problem}` });
}

// A request the worker refuses: an error value with an HTTP status and a kind, answered as JSON
// `{ error: kind, message }` like every other error of the example workers.

export class RequestError extends Error {
  /** `kind`: invalid_request | invalid_params | not_found | conflict | not_ready | too_large. */
  constructor(status, kind, message) {
    super(message);
    this.name = "RequestError";
    this.status = status;
    this.kind = kind;
  }

  toResponse(headers) {
    return Response.json({ error: this.kind, message: this.message }, { status: this.status, headers });
  }
}

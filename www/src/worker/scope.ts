// The dedicated worker's global scope, typed here rather than through the WebWorker lib, whose
// declarations clash with the DOM lib the page's code is checked with.
import type { FromWorker, ToWorker } from "./protocol";

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
}

export const scope = self as unknown as WorkerScope;

/** Sends a message to the page. */
export function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

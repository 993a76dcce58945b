// The export as a `ReadableStream` of bytes, for edge workers that answer with it.

/**
 * A byte stream over `next()` (the next chunk, or `undefined` at the end), pulled only as it is
 * read (`highWaterMark: 0`: no page is fetched ahead of the reader); `head` goes first.
 * Cancelling the stream calls `stop()`, which cancels the request in flight.
 */
export function pullStream({ head, next, stop }) {
  return new ReadableStream({
    start(controller) {
      if (head !== undefined) controller.enqueue(head);
    },
    async pull(controller) {
      try {
        for (;;) {
          const chunk = await next();
          if (chunk === undefined) return controller.close();
          // A page without rows (all its tasks rejected, or no records) yields nothing to send.
          if (chunk.length > 0) return controller.enqueue(chunk);
        }
      } catch (e) {
        controller.error(e);
      }
    },
    cancel() {
      stop();
    },
  }, { highWaterMark: 0 });
}

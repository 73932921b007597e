/**
 * The `requestHandlerTimeout` setting: a bound on how long one handler may take to answer.
 * @module
 */
import { appLog } from "../log.ts";
import type { RequestHandler } from "./request-handler.ts";

/**
 * Waits for a handler's run, but no longer than `seconds`. When the time is up and the response is
 * not finished, an ERROR line is logged and the client gets a 503 Service Unavailable error page
 * through the handler's `sendError` (so `writeError` and `onFinish` run as for any error); when
 * headers were already flushed the connection is closed instead. The handler's own work is not
 * stopped (JavaScript cannot cancel it): whatever it writes later fails and is logged. A handler
 * that returned without finishing (`detach()`) is covered until its response closes. Resolves when
 * the run ends or the timeout has answered, whichever is first.
 *
 * Not in Tornado.
 */
export function guardHandlerTimeout(
  handler: RequestHandler,
  running: Promise<void>,
  seconds: number,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (!handler.finished) {
        appLog.error(`Handler timed out after ${seconds}s: ${handler.requestSummary()}`);
        if (handler.headersWritten) {
          handler.request.rawResponse?.destroy();
        } else {
          try {
            handler.sendError(503, { reason: "Service Unavailable" });
          } catch (error) {
            appLog.error("Exception answering a handler timeout", error);
            handler.request.rawResponse?.destroy();
          }
        }
      }
      resolve();
    }, seconds * 1000);
    // A handler may end its run and finish later (detach()): the response closing is what counts.
    const res = handler.request.rawResponse;
    if (res) res.once("close", () => clearTimeout(timer));
    running.then(
      () => {
        if (handler.finished || !res) clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        appLog.error("Uncaught exception serving a request", error);
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/**
 * Waits one turn of the event loop after an ack. Requests that reached the process together
 * are then all acknowledged before any of them starts its work (a query, views.open), which
 * would otherwise run between one request's ack and the next one's. The wait is one poll
 * phase, a fraction of a millisecond to a few: far inside the three seconds a trigger_id
 * lasts, and never behind requests that arrive later.
 */
export function afterAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

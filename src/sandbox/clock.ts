import type { Clock } from '../clock.js';

/**
 * The sandbox's clock: the machine's time plus an offset the person moves from the page
 * ("+1 hour", "to the next digest"). Moving it never touches the machine's clock, and time
 * keeps running between moves, so the app's real-time scheduler still ticks.
 */
export class OffsetClock implements Clock {
  constructor(public offsetMs = 0) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves forward by `ms`; the clock never goes back. */
  advance(ms: number): void {
    if (ms > 0) this.offsetMs += ms;
  }

  /** Moves forward to `at`, if it is ahead. */
  advanceTo(at: Date): void {
    this.advance(at.getTime() - this.now().getTime());
  }
}

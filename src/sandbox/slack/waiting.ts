/** Waiting for what the app will do: poll until it happened, or fail saying what was seen. */
export const DEFAULT_WAIT_MS = 5000;
const POLL_MS = 10;

export const atLeast = <T>(items: T[], count: number): T[] | undefined =>
  items.length >= count ? items : undefined;

export async function poll<T>(
  check: () => T | undefined,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() >= deadline)
      throw new Error(`embedded Slack: timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

import type { z } from 'zod';

/** A form's values, checked: the typed value, or one message per offending field. */
export type Validated<T, F extends string = string> =
  { ok: true; value: T } | { ok: false; errors: Partial<Record<F, string>> };

/**
 * Runs a zod schema over form values and keeps the first message per field, keyed by the
 * field name, which is also the modal's block_id: Slack shows it under that input.
 */
export function validateForm<S extends z.ZodType, F extends string = string>(
  schema: S,
  input: Record<string, unknown>,
): Validated<z.output<S>, F> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Partial<Record<F, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '') as F;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * A modal's form: each input block registers how to read its value and how to check it the
 * way Slack's client does before it lets a person submit (required, length, number range).
 * Values are keyed by block_id and shaped as the sandbox API takes them: text, an option's
 * value, a user or conversation id, 'YYYY-MM-DD', 'HH:mm', epoch seconds, or a list.
 */
export type FieldValue = string | number | null | string[];

export interface Field {
  blockId: string;
  actionId: string;
  type: string;
  label: string;
  optional: boolean;
  value(): FieldValue;
  /** Slack's client's own objection to the value, or null. */
  check(): string | null;
  showError(message: string | null): void;
  focus(): void;
}

export class Form {
  readonly fields = new Map<string, Field>();

  add(field: Field): void {
    this.fields.set(field.blockId, field);
  }

  values(): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (const [blockId, f] of this.fields) out[blockId] = f.value();
    return out;
  }

  /** Shows each field's objection under it; true when the form may be submitted. */
  validate(): boolean {
    let first: Field | undefined;
    for (const f of this.fields.values()) {
      const message = f.check();
      f.showError(message);
      if (message && !first) first = f;
    }
    first?.focus();
    return !first;
  }

  /** Errors the app answered with (`response_action: errors`), or the API's 400, under their fields. */
  showErrors(errors: Readonly<Record<string, string>>): void {
    for (const [blockId, f] of this.fields) f.showError(errors[blockId] ?? null);
  }
}

export const isEmpty = (v: FieldValue): boolean =>
  v === null || v === '' || (Array.isArray(v) && v.length === 0);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What Slack's client says about text and numbers it will not submit (the server's forms.ts says the same). */
export function checkValue(
  el: {
    type: string;
    min_length?: number;
    max_length?: number;
    min_value?: string;
    max_value?: string;
    is_decimal_allowed?: boolean;
  },
  optional: boolean,
  v: FieldValue,
): string | null {
  if (isEmpty(v)) return optional ? null : 'Please complete this required field.';
  if (typeof v !== 'string') return null;
  if (el.max_length !== undefined && v.length > el.max_length)
    return `Must be ${el.max_length} characters or fewer.`;
  if (el.min_length !== undefined && v.length < el.min_length)
    return `Must be at least ${plural(el.min_length, 'character')}.`;
  if (el.type === 'number_input') {
    const decimals = el.is_decimal_allowed === true;
    if (!(decimals ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/).test(v.trim()))
      return decimals ? 'Enter a number.' : 'Enter a whole number.';
    const n = Number(v);
    if (el.min_value !== undefined && n < Number(el.min_value)) return `Must be at least ${el.min_value}.`;
    if (el.max_value !== undefined && n > Number(el.max_value))
      return `Must be no more than ${el.max_value}.`;
  }
  if (el.type === 'url_text_input' && !/^https?:\/\/\S+$/i.test(v.trim())) return 'Please enter a valid URL.';
  if (el.type === 'email_text_input' && !/^\S+@\S+\.\S+$/.test(v.trim()))
    return 'Please enter a valid email address.';
  return null;
}

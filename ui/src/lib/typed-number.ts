/**
 * A number as a person types it into a field: '210', ' 210.5 ', or '210,5' with a decimal comma (a
 * European keyboard's; a number field dropped the comma and read 2105). Text fields with these, not
 * number fields, so that what was typed is what is read, and a refusal says why in words.
 */
export interface NumberRule {
  /** what the number is, for the refusal: 'the target of tool0', 'the fan speed' */
  what: string;
  unit: string;
  /** bounds the app itself keeps (those the host keeps, it says itself) */
  min?: number;
  max?: number;
}

export type TypedNumber = { value: number; error?: undefined } | { error: string; value?: undefined };

const NUMBER = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** The number typed (a decimal comma read as a point), or null when what was typed is none. */
export function typedValue(text: string): number | null {
  const typed = text.trim();
  return NUMBER.test(typed) ? Number(typed.replace(',', '.')) : null;
}

export function readNumber(text: string, rule: NumberRule): TypedNumber {
  const typed = text.trim();
  if (!typed) return { error: `Enter ${rule.what} in ${rule.unit}.` };
  const value = typedValue(typed);
  if (value === null) return { error: `“${typed.slice(0, 20)}” is not a number: enter ${rule.what} in ${rule.unit}.` };
  const { min, max } = rule;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const range = min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    return { error: `${rule.what[0]!.toUpperCase()}${rule.what.slice(1)} must be ${range} ${rule.unit}.` };
  }
  return { value };
}

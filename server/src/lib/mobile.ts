import { z } from 'zod';
import { toHalfWidth } from './text';

/**
 * A mainland mobile as people type it: "+86 138-0013-8000", "１３８００１３８０００", "86 13800138000".
 * Returns the 11 digits, or null when it is not a valid mobile.
 */
export function normaliseMobile(raw: string): string | null {
  let digits = toHalfWidth(raw).replace(/[\s\-()（）.]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** zod: an optional mobile, normalised, with a Chinese-first message when it is not one. */
export const mobileSchema = z.string().transform((raw, ctx) => {
  const m = normaliseMobile(raw);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: '手机号格式不正确 / not a valid mobile number' });
    return z.NEVER;
  }
  return m;
});

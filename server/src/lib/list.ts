import { z } from 'zod';
import { pageSchema } from './schema';

/**
 * The list convention: `{ page, pageSize, sort, filter }` in, `{ items, total }` out. Exports take
 * the same filter. Sort keys are an allow-list per list, never a raw column name from the client.
 */
export function listInput<F extends z.ZodType, S extends readonly [string, ...string[]]>(filter: F, sortKeys: S) {
  return z.object({
    page: pageSchema.default(1),
    pageSize: z.number().int().min(1).max(200).default(20),
    sort: z
      .object({ key: z.enum(sortKeys), order: z.enum(['asc', 'desc']).default('asc') })
      .optional(),
    filter: filter.optional(),
  });
}

export function listOutput<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}

export function offsetOf(input: { page: number; pageSize: number }): number {
  return (input.page - 1) * input.pageSize;
}

/** Escape LIKE wildcards so a user's `%` or `_` is searched for literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Personal data in lists: 138****5678. */
export function maskMobile(mobile: string | null): string | null {
  if (!mobile) return mobile;
  return mobile.length >= 7 ? `${mobile.slice(0, 3)}****${mobile.slice(-4)}` : '****';
}

export const isoDate = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

import { z } from 'zod';
import { idSchema } from '../../lib/schema';

/** Our fields of a sign-in sheet (签到表); 序号 and 签名 columns are recognised and left alone. */
export const SIGN_IN_FIELDS = ['name', 'mobile', 'idCard', 'village', 'date'] as const;
export type SignInField = (typeof SIGN_IN_FIELDS)[number];

export const bulkMarkInput = z.object({
  sessionId: idSchema,
  traineeIds: z.array(idSchema).min(1).max(500),
});
export const bulkMarkOutput = z.object({ checkedIn: z.number(), already: z.number() });

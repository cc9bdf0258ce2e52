import { z } from 'zod';
import { defineRule } from '../../rules/define';

/**
 * The check-in window of a session (from beforeMinutes before it starts to afterMinutes after it
 * ends; check-in-window.ts) and the QR code's token times (qr-check-in.ts): one versioned rule.
 */
export const checkInWindowRule = defineRule({
  key: 'training.qr_check_in',
  params: z.object({
    beforeMinutes: z.number().int().min(0).max(24 * 60).default(30),
    afterMinutes: z.number().int().min(0).max(24 * 60).default(30),
    /** The screen shows a new token this often, so a photo of it soon stops working… */
    tokenSeconds: z.number().int().min(5).max(3600).default(30),
    /** …while a trainee who scanned it has this long to type their name and mobile. */
    acceptSeconds: z.number().int().min(30).max(24 * 3600).default(300),
  }),
});

/** Conversion: an outcome counts when it falls within windowDays after completing a course. */
export const conversionRule = defineRule({
  key: 'training.conversion',
  params: z.object({
    windowDays: z.number().int().min(1).max(3650).default(180),
  }),
});

export const trainingRules = [checkInWindowRule, conversionRule];

import { z } from 'zod';
import { listInput, listOutput } from '../../lib/list';
import { exportInput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';

export const auditFilter = z.object({
  actorUserId: idSchema.optional(),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().max(64).optional(),
});

export const auditListInput = listInput(auditFilter, ['at', 'entity', 'action'] as const);

export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorUserId: z.number().nullable(),
  actorLogin: z.string().nullable(),
  entity: z.string(),
  entityId: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});

export const auditListOutput = listOutput(auditEntry);

export const auditExportInput = exportInput(auditListInput, {
  at: 'date', actorLogin: 'text', entity: 'text', entityId: 'plain', action: 'text', before: 'text', after: 'text', ip: 'text',
});

import { z } from 'zod';
import { ROLES } from '../../db/types';
import { mobileSchema } from '../../lib/mobile';
import { listInput, listOutput } from '../../lib/list';
import { exportInput } from '../../lib/excel';
import { idRefSchema, idSchema, regionCodeSchema } from '../../lib/schema';

export const roleSchema = z.enum(ROLES);

export const scopesSchema = z.object({
  regions: z.array(z.string().regex(/^\d{12}$/)).max(500),
  stations: z.array(z.string().max(32)).max(500),
  bases: z.array(z.string().max(32)).max(500),
});

export const actorSchema = z.object({
  id: z.number(),
  loginName: z.string(),
  displayName: z.string(),
  role: roleSchema,
  scopes: scopesSchema,
});

export const loginInput = z.object({
  loginName: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});

export const loginOutput = z.object({ actor: actorSchema, expiresAt: z.string(), mustChangePassword: z.boolean() });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});

export const userSchema = z.object({
  id: z.number(),
  loginName: z.string(),
  displayName: z.string(),
  mobile: z.string().nullable(),
  role: roleSchema,
  scopes: scopesSchema,
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

const loginNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_.-]{3,32}$/, '用户名为 3–32 位小写字母、数字、下划线、点或短横 / 3–32 lowercase letters, digits, _ . -');

/** Scopes as the admin gives them: division codes, and station and base ids (positive int4, as text). */
const scopeRefsInput = z
  .object({
    regions: z.array(regionCodeSchema).max(500),
    stations: z.array(idRefSchema).max(500),
    bases: z.array(idRefSchema).max(500),
  })
  .partial();

export const createUserInput = z.object({
  loginName: loginNameSchema,
  displayName: z.string().trim().min(1).max(50),
  mobile: mobileSchema.nullish(),
  role: roleSchema,
  password: z.string().min(1).max(200).optional(),
  scopes: scopeRefsInput.default({}),
});

export const updateUserInput = z.object({
  id: idSchema,
  displayName: z.string().trim().min(1).max(50),
  mobile: mobileSchema.nullable(),
  role: roleSchema,
  scopes: scopeRefsInput,
});

export const userListInput = listInput(
  z.object({ q: z.string().max(64).optional(), role: roleSchema.optional(), disabled: z.boolean().optional() }),
  ['loginName', 'displayName', 'role', 'createdAt', 'lastLoginAt'] as const,
);
export const userListOutput = listOutput(userSchema);

export const userExportInput = exportInput(userListInput, {
  loginName: 'text', displayName: 'text', mobile: 'text', role: 'text', 'scopes.regions': 'text', 'scopes.stations': 'text',
  'scopes.bases': 'text', disabled: 'text', lastLoginAt: 'date', createdAt: 'date',
});

export const userOption = z.object({ id: z.number(), loginName: z.string(), displayName: z.string(), role: roleSchema });

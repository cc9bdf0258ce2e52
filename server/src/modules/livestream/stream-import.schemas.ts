import { z } from 'zod';
import { LIVESTREAM_PLATFORMS } from '../../db/types';

/** Our fields of a platform's session export (直播场次); other columns are left alone. */
export const STREAM_FIELDS = [
  'accountId',
  'accountName',
  'startedAt',
  'endedAt',
  'duration',
  'viewers',
  'peakViewers',
  'newFollowers',
  'orders',
  'buyers',
  'gmv',
  'mainProducts',
  'conversionRate',
  'clickRate',
  'clickConversionRate',
  'interactionRate',
  'followRate',
] as const;
export type StreamField = (typeof STREAM_FIELDS)[number];

/** The rate fields, stored as fractions (0.0068 for '0.68%'); see stream-values.ts parseRate. */
export const STREAM_RATE_FIELDS = ['conversionRate', 'clickRate', 'clickConversionRate', 'interactionRate', 'followRate'] as const satisfies readonly StreamField[];
export type StreamRateField = (typeof STREAM_RATE_FIELDS)[number];

/** Header presets: the column names of each platform's export; `custom` knows them all and the user maps. */
export const STREAM_IMPORT_PRESETS = ['taobao', 'douyin', 'wechat_channels', 'custom'] as const;
export type StreamImportPreset = (typeof STREAM_IMPORT_PRESETS)[number];

/** The request, preview and commit of a stream import are built by the pipeline: see stream-import.ts (`streamImport`). */

export const streamImportHostsInput = z.object({ search: z.string().max(50).optional() });
export const streamImportHostsOutput = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      baseId: z.number(),
      baseName: z.string(),
      accounts: z.array(z.object({ platform: z.enum(LIVESTREAM_PLATFORMS), accountId: z.string(), handle: z.string().nullable() })),
    }),
  ),
});

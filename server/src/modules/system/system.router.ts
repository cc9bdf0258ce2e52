import { z } from 'zod';
import { VERSION } from '../../version';
import { publicProcedure, router } from '../../trpc/trpc';
import { LANGS } from '../../i18n/messages';

export const systemRouter = router({
  /** What the client needs before login: version, languages, and the county this deployment serves. */
  info: publicProcedure
    .output(
      z.object({
        version: z.string(),
        languages: z.array(z.string()),
        homeCounty: z.object({ code: z.string(), name: z.string() }).nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const county = await ctx.db
        .selectFrom('regions')
        .select(['code', 'name'])
        .where('code', '=', ctx.config.HOME_COUNTY_CODE)
        .executeTakeFirst();
      return { version: VERSION, languages: [...LANGS], homeCounty: county ?? null };
    }),
});

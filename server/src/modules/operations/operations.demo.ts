import { sql } from 'kysely';
import { demoSeedStep } from '../module';

/**
 * The demo's last step: every snapshot brought up to date after all the demo data is in (the
 * conversion rate reads outcomes the livestream step adds), so the first start shows current
 * figures and the first recompute changes nothing. The tables the seed just filled are analysed
 * first: without statistics the planner takes them for empty and nests loops over thousands of rows.
 */
export const operationsDemo = demoSeedStep('snapshots', async ({ db, today }) => {
  await sql`analyze`.execute(db);
  return (await import('../snapshots')).recomputeAll(db, { asOf: today });
});

import type { RouterInputs, RouterOutputs } from '@/api/trpc';

export type Progress = RouterOutputs['training']['conversion']['progress'];
export type ProgressRow = NonNullable<Progress['headline']>;
export type Summary = RouterOutputs['training']['conversion']['summary'];
export type CutRow = Summary['overall'];
export type Cut = RouterInputs['training']['conversion']['cutExport']['list']['cut'];
export type OutcomeKind = keyof CutRow['byKind'];

/** The server's outcome kinds, in the order the tables show them. */
export const OUTCOME_KINDS = ['shop_opened', 'first_sale', 'livestream_started', 'employed', 'business_started'] as const satisfies readonly OutcomeKind[];
/** The cuts a table can show, in the order of the switch. */
export const CUTS = ['course', 'topic', 'trainer', 'town', 'cohort_month'] as const satisfies readonly Cut[];

/** 0.7143 → "71.4%"; nothing for no rate. */
export { percent } from '@/utils/format';

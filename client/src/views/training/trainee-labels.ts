import type { RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';
import { formatShanghai } from '@/utils/shanghai-time';

export type TraineeListItem = RouterOutputs['training']['trainees']['list']['items'][number];
export type TraineeProfile = RouterOutputs['training']['trainees']['get'];
export type TraineeHistoryCourse = TraineeProfile['courses'][number];
export type TraineeOutcome = TraineeProfile['outcomes'][number];
export type DuplicateGroup = RouterOutputs['training']['trainees']['duplicates']['groups'][number];
export type OutcomeKind = TraineeOutcome['kind'];

export const OUTCOME_KINDS = ['shop_opened', 'first_sale', 'livestream_started', 'employed', 'business_started'] as const satisfies readonly OutcomeKind[];

export const TRAINEES_LIST_KEY = 'training.trainees.list';
export const TRAINEE_KEY = 'training.trainees.get';
export const TRAINEE_DUPLICATES_KEY = 'training.trainees.duplicates';

/** Labels of genders, check-in methods and outcome kinds (unknown codes shown raw). */
export function useTraineeLabels() {
  const { label, labels } = useEnumLabel();
  return {
    genderLabel: (gender: string | null | undefined) => label('trainees.gender', gender) || '—',
    methodLabel: (method: string | null | undefined) => label('trainees.methods', method),
    outcomeKindLabel: (kind: string | null | undefined) => label('trainees.outcomeKinds', kind),
    outcomeKindOptions: () => OUTCOME_KINDS.map((value) => ({ value, label: label('trainees.outcomeKinds', value) })),
    labels,
  };
}

/** An ISO instant as a Shanghai date and time to the minute, "2026-11-20 09:03". */
export const shanghaiMinute = (iso: string): string => formatShanghai(iso).slice(0, 16);
/** An ISO instant's calendar day in Shanghai, "2026-11-20". */
export const shanghaiDay = (iso: string): string => formatShanghai(iso).slice(0, 10);

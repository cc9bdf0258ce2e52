import { useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';
import { formatCount, NONE, yuanShort } from '@/utils/format';

export type Candidate = RouterOutputs['taobao']['candidates']['list']['items'][number];
export type Evaluation = RouterOutputs['taobao']['place']['get']['villages'][number];
export type Place = RouterOutputs['taobao']['place']['get']['place'];
export type Stage = NonNullable<Candidate['stage']>;
export type BoardCard = RouterOutputs['taobao']['pipeline']['board'][number];
export type ActionKind = Place['actions'][number]['kind'];

// The server's codes, in the order the pickers and the board show them (checked against the API's types).
export const STAGES = ['watching', 'cultivating', 'applied', 'recognised', 'not_recognised'] as const satisfies readonly Stage[];
export const ACTION_KINDS = ['training', 'host_recruited', 'station_upgraded', 'visit', 'other'] as const satisfies readonly ActionKind[];

export const TAOBAO_KEY = 'taobao';

/** Labels of stages, projections and sources, and the gap of each criterion in words. */
export function useTaobaoLabels() {
  const { t } = useI18n();
  const { label, labels } = useEnumLabel();
  const stageLabel = (code: string | null | undefined) => (code ? label('taobao.stages', code) : t('taobao.stages.none'));
  return {
    t,
    labels,
    stageLabel,
    stageOptions: () => STAGES.map((value) => ({ value, label: label('taobao.stages', value) })),
    actionLabel: (code: string) => label('taobao.actionKinds', code),
    actionOptions: () => ACTION_KINDS.map((value) => ({ value, label: label('taobao.actionKinds', value) })),
    sourceLabel: (code: string | null) => (code ? label('taobao.sources', code) : NONE),
    /** "预计 2026-04 达标", "按目前增速本年度达不到", … */
    projectionText: (e: Pick<Evaluation, 'projection' | 'projectedMonth'>) =>
      e.projection === 'month' ? t('taobao.projection.month', { month: e.projectedMonth }) : label('taobao.projection', e.projection),
    /** The gaps that remain, in words: "销售额差 12.5万 · 网店差 5 家". */
    gapsText: (e: Evaluation) => {
      if (e.qualifies) return t('taobao.gaps.none');
      if (!e.eligible) return label('taobao.projection', 'not_eligible');
      const parts: string[] = [];
      if (e.level === 'town' && e.villagesGap) parts.push(t('taobao.gaps.villages', { n: e.villagesGap }));
      if (e.salesGapFen) parts.push(t('taobao.gaps.sales', { amount: yuanShort(e.salesGapFen) }));
      if (e.shopsGap) parts.push(t('taobao.gaps.shops', { n: formatCount(e.shopsGap) }));
      return parts.join(' · ') || t('taobao.gaps.none');
    },
  };
}

/** The AliResearch years there are answers for, and the one open today (a page's default). */
export function useTaobaoYears(selected: Ref<number | null>) {
  const query = useQuery({ queryKey: [TAOBAO_KEY, 'years'], queryFn: () => trpc.taobao.years.query() });
  const options = computed(() => {
    const data = query.data.value;
    if (!data) return [];
    const years = new Set([data.current, ...data.years.map((y) => y.year)]);
    return [...years].sort((a, b) => b - a).map((year) => ({ year, closed: data.years.some((y) => y.year === year && y.closed) }));
  });
  const year = computed(() => selected.value ?? query.data.value?.current ?? null);
  return { options, year, current: computed(() => query.data.value?.current ?? null) };
}

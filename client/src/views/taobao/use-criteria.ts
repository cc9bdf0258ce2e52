import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, ref } from 'vue';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { useAuthStore } from '@/stores/use-auth-store';
import { formatCount } from '@/utils/format';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { TAOBAO_KEY, useTaobaoLabels } from './taobao-labels';

type Version = RouterOutputs['taobao']['criteria']['list'][number];
export type Criteria = Version['params'];

/** 认定标准: every version of the criteria with the one in force; a new one from a date (admin). */
export function useCriteria() {
  const { t } = useTaobaoLabels();
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const query = useQuery({ queryKey: [TAOBAO_KEY, 'criteria'], queryFn: () => trpc.taobao.criteria.list.query() });
  const versions = computed(() => query.data.value ?? []);

  /** One version in words: the village's three conditions and the town's two paths. */
  const summary = (p: Criteria) => ({
    village: t('taobao.criteria.village', {
      rural: p.ruralOnly ? t('taobao.criteria.ruralOnly') : t('taobao.criteria.anyVillage'),
      sales: formatCount(p.villageMinSalesYuan / 10_000),
      salesYuan: formatCount(p.villageMinSalesYuan),
      shops: p.villageMinShops,
      percent: p.villageMinShopPercent,
    }),
    town: t(p.townSalesPath ? 'taobao.criteria.townBoth' : 'taobao.criteria.townVillages', {
      kinds: p.subdistrictsCount ? t('taobao.criteria.withSubdistricts') : t('taobao.criteria.noSubdistricts'),
      villages: p.townMinVillages,
      sales: formatCount(p.townSalesAboveYuan / 10_000),
      salesYuan: formatCount(p.townSalesAboveYuan),
      shops: p.townShopsAbove,
    }),
  });

  const dialog = ref(false);
  const form = useFormDialog({
    form: { effectiveFrom: shanghaiToday(), params: {} as Criteria },
    save: (f) => trpc.taobao.criteria.create.mutate({ effectiveFrom: f.effectiveFrom, params: f.params }),
    saved: (r) => {
      dialog.value = false;
      toast('success', t('taobao.criteria.saved', { version: r.version }));
      void queryClient.invalidateQueries({ queryKey: [TAOBAO_KEY] });
    },
  });
  const open = () => {
    const current = versions.value.find((v) => v.inForce) ?? versions.value[0];
    if (current) form.form.params = { ...current.params };
    form.form.effectiveFrom = shanghaiToday();
    form.reset();
    dialog.value = true;
  };

  return {
    t,
    query,
    versions,
    summary,
    loadError: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    isAdmin: computed(() => actor.value?.role === 'admin'),
    dialog,
    form,
    open,
  };
}

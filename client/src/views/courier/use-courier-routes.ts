import { useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { useListModel } from '@/composables/use-server-list';
import { byRouteName, COURIER_KEY, courierKeys, useCourierAccess, useCourierLabels, type RouteRow } from './courier-setup';

type RoutesExportKey = RouterInputs['courier']['routes']['export']['columns'][number]['key'];

/**
 * 线路: every route the user may see, by hub, with the version in force today (its days, vehicle,
 * stops) and the day a later version takes over; the bureau adds a route and goes on in its editor.
 */
export function useCourierRoutes() {
  const labels = useCourierLabels();
  const { t } = labels;
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useCourierAccess();

  const hubs = useQuery({ queryKey: courierKeys.hubs, queryFn: () => trpc.courier.hubs.list.query() });
  const hubOptions = computed(() => (hubs.data.value ?? []).map((h) => ({ value: h.id, label: h.name })));
  /** The hub filter, kept in the address so the back link and a reload return to it. */
  const hubId = ref<number | null>(route.query.hub ? Number(route.query.hub) : null);
  watch(hubId, (hub) => void router.replace({ query: { ...route.query, hub: hub ?? undefined } }));

  const query = useQuery({
    queryKey: computed(() => courierKeys.routes(hubId.value)),
    queryFn: () => trpc.courier.routes.list.query(hubId.value ? { hubId: hubId.value } : {}),
  });
  const list = useListModel({
    items: () => [...(query.data.value ?? [])].sort(byRouteName),
    loading: () => query.isFetching.value,
    error: () => query.error.value ?? hubs.error.value,
    reload: () => Promise.all([query.refetch(), hubs.refetch()]),
    export: {
      columns: () => {
        const c = (key: RoutesExportKey, label: string = key) => ({ key, header: t(`courier.routes.columns.${label}`) });
        return [
          { key: 'hubName', header: t('courier.routes.hub') },
          c('name'),
          c('plate', 'vehicle'),
          { ...c('days'), labels: labels.weekdayLabels() },
          c('departAt'),
          c('stops'),
          c('version'),
          c('effectiveFrom'),
          c('nextFrom'),
          { ...c('active'), labels: labels.activeLabels() },
        ];
      },
      run: (columns) =>
        trpc.courier.routes.export.mutate({
          list: hubId.value ? { hubId: hubId.value } : {},
          columns: columns as RouterInputs['courier']['routes']['export']['columns'],
          sheetName: t('courier.routes.sheetName'),
        }),
    },
  });

  const dialog = ref(false);
  const form = useFormDialog({
    form: { hubId: null as number | null, name: '' },
    save: (f) => trpc.courier.routes.create.mutate({ hubId: f.hubId!, name: f.name.trim() }),
    saved: ({ id }) => {
      dialog.value = false;
      void queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });
      void router.push({ name: 'courier-route', params: { id } });
    },
  });
  const rules = computed<FormRules>(() => ({
    hubId: [{ required: true, type: 'number', message: t('courier.routes.hubRequired'), trigger: 'change' }],
    name: [{ required: true, whitespace: true, message: t('courier.nameRequired'), trigger: 'blur' }],
  }));
  const open = () => {
    Object.assign(form.form, { hubId: hubId.value ?? (hubOptions.value.length === 1 ? hubOptions.value[0]!.value : null), name: '' });
    form.reset();
    dialog.value = true;
  };

  return {
    ...labels,
    list,
    hubId,
    hubOptions,
    canEdit,
    create: reactive({ dialog, rules, open }),
    routeForm: form,
    openEditor: (row: Pick<RouteRow, 'id'>) => router.push({ name: 'courier-route', params: { id: row.id } }),
  };
}

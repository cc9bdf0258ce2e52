import { useMutation } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { shanghaiToday } from '@/utils/shanghai-time';
import { useVillageSearch } from '@/views/training/use-village-search';
import { useBaseOptions, useLivestreamLabels, type HostProfile, type HostStatus, type Platform } from './livestream-labels';

type CreateInput = RouterInputs['livestream']['hosts']['create'];

interface AccountRow {
  /** An account already stored (edited in place); absent for a new one. */
  id?: number;
  platform: Platform | '';
  accountId: string;
  handle: string;
}

interface HostForm {
  name: string;
  mobile: string;
  baseId: number | undefined;
  villageCode: string;
  status: HostStatus;
  joinedOn: string;
  accounts: AccountRow[];
}

/** A rough check while typing; the server normalises and decides ("+86 138-0013-8000" is fine). */
function looksLikeMobile(text: string): boolean {
  const digits = text.replace(/[\s\-()（）.+]/g, '').replace(/^(0086|86)(?=\d{11}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits);
}

/** Create or edit a host with their platform accounts (one save, one transaction on the server). */
export function useHostForm(editing: () => HostProfile | null, done: { saved: (profile: HostProfile, created: boolean) => void }) {
  const { t } = useI18n();
  const labels = useLivestreamLabels();
  const { baseOptions } = useBaseOptions();
  const current = editing();
  const host = current?.host ?? null;
  /** Someone who sees the mobile masked keeps it as it is. */
  const mobileEditable = !host || host.mobileVisible;

  const form = reactive<HostForm>({
    name: host?.name ?? '',
    mobile: host?.mobile ?? '',
    baseId: host?.baseId,
    villageCode: host?.villageCode ?? '',
    status: host?.status ?? 'active',
    joinedOn: host?.joinedOn ?? shanghaiToday(),
    accounts: current ? current.accounts.map((a) => ({ id: a.id, platform: a.platform, accountId: a.accountId, handle: a.handle ?? '' })) : [{ platform: '', accountId: '', handle: '' }],
  });
  // a manager of one base has nothing to choose
  watch(
    baseOptions,
    (options) => {
      if (form.baseId === undefined && options.length === 1) form.baseId = options[0].value;
    },
    { immediate: true },
  );
  const villages = useVillageSearch(() => (host?.villageCode ? { code: host.villageCode, name: host.villageName ?? host.villageCode } : null));

  const rules = computed<FormRules<HostForm>>(() => ({
    name: [{ required: true, whitespace: true, message: t('livestream.hosts.form.nameRequired'), trigger: 'blur' }],
    mobile: mobileEditable
      ? [
          { required: true, whitespace: true, message: t('livestream.hosts.form.mobileRequired'), trigger: 'blur' },
          { validator: (_r, value: string, cb) => cb(looksLikeMobile(value) ? undefined : new Error(t('livestream.hosts.form.mobileInvalid'))), trigger: 'blur' },
        ]
      : [],
    baseId: [{ required: true, message: t('livestream.hosts.form.baseRequired'), trigger: 'change' }],
  }));

  const addAccount = () => form.accounts.push({ platform: '', accountId: '', handle: '' });
  const removeAccount = (index: number) => form.accounts.splice(index, 1);

  function fields(): CreateInput {
    return {
      name: form.name.trim(),
      mobile: form.mobile.trim(),
      baseId: form.baseId!,
      villageCode: form.villageCode || null,
      status: form.status,
      joinedOn: form.joinedOn || null,
      // a row without a platform or an account id is a row not filled in
      accounts: form.accounts
        .filter((a) => a.platform && a.accountId.trim())
        .map((a) => ({ ...(a.id !== undefined ? { id: a.id } : {}), platform: a.platform as Platform, accountId: a.accountId.trim(), handle: a.handle.trim() || null })),
    };
  }

  const save = useMutation({
    mutationFn: async () => {
      if (!current) return { profile: await trpc.livestream.hosts.create.mutate(fields()), created: true };
      const input = { ...fields(), id: current.host.id, version: current.host.version };
      return { profile: await trpc.livestream.hosts.update.mutate(mobileEditable ? input : { ...input, mobile: undefined }), created: false };
    },
    onSuccess: (result) => done.saved(result.profile, result.created),
  });
  /** Called by form-dialog once the rules pass. */
  function submit(): void {
    if (!save.isPending.value) save.mutate();
  }

  return {
    t,
    form,
    rules,
    isEdit: current !== null,
    mobileEditable,
    baseOptions,
    platformOptions: computed(() => labels.platformOptions()),
    statusOptions: computed(() => labels.hostStatusOptions()),
    villageOptions: villages.options,
    villagesLoading: villages.loading,
    searchVillages: villages.searchVillages,
    addAccount,
    removeAccount,
    submit,
    saving: save.isPending,
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}

import { useQuery, useQueryClient } from '@tanstack/vue-query';
import type { LoadFunction, TreeInstance, TreeOptionProps } from 'element-plus';
import { storeToRefs } from 'pinia';
import { computed, nextTick, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { useRegionLabels, type RegionNode } from './region-labels';
import { useHomeCounty } from '@/composables/use-home-county';

export type RegionDetail = RouterOutputs['regions']['get'];
type PathItem = RegionDetail['path'][number];
type TreeNode = Parameters<LoadFunction>[0];

/** One region's details, by code. */
const regionQuery = (code: string) => ({
  queryKey: ['regions.get', code] as const,
  queryFn: () => trpc.regions.get.query({ code }),
});

/**
 * The same, following a code that changes. The query function reads the code from the key, never
 * from the ref: two observers may share a key (the home county is also the first region selected),
 * and a cached query refetches with whichever function it was given last.
 */
const regionQueryOf = (code: () => string | null) => ({
  queryKey: computed(() => ['regions.get', code()] as const),
  queryFn: ({ queryKey }: { queryKey: readonly unknown[] }) => trpc.regions.get.query({ code: queryKey[1] as string }),
  enabled: computed(() => code() !== null),
});

/** Only the node fields, so the tree holds the same shape at every level. */
const asNode = ({ code, name, level, parentCode, townshipKind, villageKind, childCount }: RegionNode): RegionNode => ({
  code,
  name,
  level,
  parentCode,
  townshipKind,
  villageKind,
  childCount,
});

/**
 * The regions page: the home county's tree (loaded a level at a time), the selected region's
 * details, and keeping the two in step when a search result or a new village is opened.
 */
export function useRegions() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const { homeCounty, ready } = useHomeCounty();
  const { role } = storeToRefs(useAuthStore());
  const { kindTag } = useRegionLabels();

  const isAdmin = computed(() => role.value === 'admin');
  const homeCode = computed(() => homeCounty.value?.code ?? null);

  const home = useQuery(regionQueryOf(() => homeCode.value));
  /** 山东省 / 枣庄市 / 滕州市 above the tree. */
  const homePath = computed<PathItem[]>(() => home.data.value?.path ?? []);

  // ---- the tree -------------------------------------------------------------------------------
  const treeRef = ref<TreeInstance>();
  /** The county opens on arrival, so its towns are the first thing seen. */
  const expandedKeys = computed(() => (homeCode.value ? [homeCode.value] : []));
  const treeProps: TreeOptionProps = {
    label: 'name',
    isLeaf: (data) => (data as RegionNode).level === 'village' || (data as RegionNode).childCount === 0,
  };

  /** The tree's lazy loader: the home county at the top (else the provinces), then each level on expand. */
  const loadChildren: LoadFunction = (node, resolve, stopLoading) => {
    const load = async (): Promise<RegionNode[]> => {
      if (node.level > 0) return trpc.regions.tree.children.query({ parentCode: (node.data as RegionNode).code });
      if (homeCode.value) return [await queryClient.fetchQuery(regionQuery(homeCode.value))];
      return trpc.regions.tree.children.query({ parentCode: null });
    };
    load().then(
      (children) => resolve(children.map(asNode)),
      (error: unknown) => {
        stopLoading();
        toast('error', t('regions.tree.loadFailed', { message: errorMessage(error) }));
      },
    );
  };

  const treeNode = (code: string): TreeNode | undefined => treeRef.value?.getNode(code) ?? undefined;

  function expandNode(node: TreeNode): Promise<void> {
    return new Promise((resolve) => node.expand(() => resolve(), true));
  }

  /** Open the tree down to a region of the home county and light it up. */
  async function reveal(path: readonly PathItem[]): Promise<void> {
    const start = path.findIndex((p) => p.code === homeCode.value);
    if (start < 0) return;
    for (const ancestor of path.slice(start, -1)) {
      const node = treeNode(ancestor.code);
      if (!node) return;
      await expandNode(node);
    }
    const code = path[path.length - 1].code;
    treeRef.value?.setCurrentKey(code);
    await nextTick();
    document.querySelector('[data-testid="regions-tree"] .is-current')?.scrollIntoView({ block: 'nearest' });
  }

  /** Load a town's villages again (after one was added), and its count with them. */
  async function reloadChildren(code: string): Promise<void> {
    const node = treeNode(code);
    if (!node) return;
    node.loaded = false;
    await expandNode(node);
    (node.data as RegionNode).childCount = node.childNodes.length;
  }

  // ---- the selected region ------------------------------------------------------------------------
  const selectedCode = ref<string | null>(null);
  const detail = useQuery(regionQueryOf(() => selectedCode.value));
  const detailError = computed(() => (detail.error.value ? t('regions.detail.loadFailed', { message: errorMessage(detail.error.value) }) : null));

  /** A click in the tree. */
  function select(node: RegionNode): void {
    selectedCode.value = node.code;
  }

  /** A click on a search result: show it, open the tree to it, and bring the details into view. */
  async function open(code: string): Promise<void> {
    selectedCode.value = code;
    try {
      const region = await queryClient.fetchQuery(regionQuery(code));
      await reveal(region.path);
    } catch {
      // the details panel shows the failure
    }
    // Last, as revealing the tree node may have scrolled the page (on a phone the details are below the tree).
    document.querySelector('[data-testid="region-detail"]')?.scrollIntoView({ block: 'nearest' });
  }

  /** A village was added under a town: the tree, the details and the search results follow. */
  async function villageAdded(townCode: string, village: RegionNode): Promise<void> {
    await queryClient.invalidateQueries({ queryKey: ['regions.get'] });
    void queryClient.invalidateQueries({ queryKey: ['regions.search'] });
    await reloadChildren(townCode);
    treeRef.value?.setCurrentKey(village.code);
    selectedCode.value = village.code;
  }

  return {
    t,
    kindTag,
    ready,
    isAdmin,
    homeCounty,
    homeCode,
    homePath,
    treeRef,
    expandedKeys,
    treeProps,
    loadChildren,
    selectedCode,
    detail: detail.data,
    detailLoading: computed(() => detail.isFetching.value),
    detailError,
    select,
    open,
    villageAdded,
  };
}

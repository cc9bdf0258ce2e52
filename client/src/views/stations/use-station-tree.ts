import type { LoadFunction, TreeOptionProps } from 'element-plus';
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';
import type { Station, StationTier } from './station-labels';

/** The most stations one list call returns: a county has one centre and a few dozen towns; a town a few dozen villages. */
const PAGE = 200;

const fetchTier = (tier: StationTier, townCode?: string) =>
  trpc.stations.list
    .query({ page: 1, pageSize: PAGE, sort: { key: 'code', order: 'asc' }, filter: { tier, townCode } })
    .then((result) => result.items);

/**
 * The station tree: county centre → town stations → village points. The two upper tiers come whole
 * on first show (a few dozen rows); a town's village points are fetched when its station is opened.
 * A user who sees only part of the register (an operator, a coordinator) gets what they can see:
 * a station whose parent they cannot see sits at the top.
 */
export function useStationTree() {
  const { t } = useI18n();
  const expandedKeys = ref<number[]>([]);
  /** Town stations by the id of their county centre, kept from the first load. */
  let townsByParent = new Map<number, Station[]>();

  const treeProps: TreeOptionProps = {
    label: 'name',
    isLeaf: (data) => (data as Station).tier === 'village_point',
  };

  async function roots(): Promise<Station[]> {
    const [centres, towns] = await Promise.all([fetchTier('county_center'), fetchTier('town_station')]);
    const centreIds = new Set(centres.map((c) => c.id));
    townsByParent = new Map();
    const orphans: Station[] = [];
    for (const town of towns) {
      if (town.parentId !== null && centreIds.has(town.parentId)) townsByParent.set(town.parentId, [...(townsByParent.get(town.parentId) ?? []), town]);
      else orphans.push(town);
    }
    expandedKeys.value = centres.map((c) => c.id);
    return [...centres, ...orphans];
  }

  const load: LoadFunction = (node, resolve, stopLoading) => {
    const run = async (): Promise<Station[]> => {
      if (node.level === 0) return roots();
      const station = node.data as Station;
      if (station.tier === 'county_center') return townsByParent.get(station.id) ?? [];
      return fetchTier('village_point', station.townCode ?? station.regionCode);
    };
    run().then(resolve, (error: unknown) => {
      stopLoading();
      toast('error', t('stations.tree.loadFailed', { message: errorMessage(error) }));
    });
  };

  return { treeProps, expandedKeys, load };
}

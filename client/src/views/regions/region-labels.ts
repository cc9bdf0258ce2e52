import type { RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';

export type RegionNode = RouterOutputs['regions']['tree']['children'][number];
type Kinded = Pick<RegionNode, 'level' | 'townshipKind' | 'villageKind'>;

export const REGION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export const TOWNSHIP_KINDS = ['subdistrict', 'town', 'township', 'other'] as const;
export const VILLAGE_KINDS = ['residents_committee', 'villagers_committee', 'other'] as const;

/** Element Plus tag colours: 街道 / 社区 urban, 镇 / 乡 / 村 rural. */
const TAG_TYPES: Record<string, 'primary' | 'success' | 'warning' | 'info'> = {
  subdistrict: 'primary',
  town: 'success',
  township: 'warning',
  residents_committee: 'primary',
  villagers_committee: 'success',
};

/** Level and kind labels of regions (街道/镇/乡, 社区/村), unknown codes shown raw. */
export function useRegionLabels() {
  const { label, labels } = useEnumLabel();

  const levelLabel = (level: string | null | undefined) => label('regions.levels', level);

  /** The long label of a town's or village's kind; empty for other levels. */
  function kindLabel(region: Kinded): string {
    if (region.level === 'town') return label('regions.townshipKinds', region.townshipKind);
    if (region.level === 'village') return label('regions.villageKinds', region.villageKind);
    return '';
  }

  /** The short tag beside a name in the tree and in search results, or null. */
  function kindTag(region: Kinded): { text: string; type: 'primary' | 'success' | 'warning' | 'info' } | null {
    const kind = region.level === 'town' ? region.townshipKind : region.level === 'village' ? region.villageKind : null;
    if (!kind) return null;
    const text = region.level === 'town' ? label('regions.townshipKinds', kind) : label('regions.villageKindTags', kind);
    return { text, type: TAG_TYPES[kind] ?? 'info' };
  }

  /** Export column labels for level and kinds. */
  const exportLabels = () => ({
    level: labels('regions.levels', REGION_LEVELS),
    townshipKind: labels('regions.townshipKinds', TOWNSHIP_KINDS),
    villageKind: labels('regions.villageKinds', VILLAGE_KINDS),
  });

  return { levelLabel, kindLabel, kindTag, exportLabels };
}

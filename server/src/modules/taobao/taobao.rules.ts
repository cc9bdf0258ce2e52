import { z } from 'zod';
import { defineRule, type RuleParams } from '../../rules/define';

/**
 * 淘宝村/淘宝镇 criteria (AliResearch; docs/taobao-criteria.md). A year is judged by the version in
 * force on the last day of its window (30 June). Which comparisons are inclusive decides recognition:
 *
 * - village, all three: rural (when `ruralOnly`: NBS urban–rural class 2xx; 1xx out), sales
 *   ≥ `villageMinSalesYuan`, and active shops ≥ `villageMinShops` or ≥ `villageMinShopPercent` % of
 *   the households;
 * - town: a 镇 or 乡 (a 街道 too while `subdistrictsCount`), with ≥ `townMinVillages` Taobao villages,
 *   or (when `townSalesPath`) sales > `townSalesAboveYuan` and active shops > `townShopsAbove` — strictly above.
 */
export const criteriaRule = defineRule({
  key: 'taobao.criteria',
  params: z.object({
    villageMinSalesYuan: z.number().int().min(1).max(10_000_000_000).default(10_000_000),
    villageMinShops: z.number().int().min(1).max(1_000_000).default(100),
    villageMinShopPercent: z.number().min(0.1).max(100).default(10),
    ruralOnly: z.boolean().default(true),
    townMinVillages: z.number().int().min(1).max(10_000).default(3),
    townSalesPath: z.boolean().default(true),
    townSalesAboveYuan: z.number().int().min(1).max(100_000_000_000).default(30_000_000),
    townShopsAbove: z.number().int().min(1).max(10_000_000).default(300),
    subdistrictsCount: z.boolean().default(false),
  }),
});
export type Criteria = RuleParams<typeof criteriaRule>;

export const taobaoRules = [criteriaRule];

/** The first Taobao villages were named for 2009 (docs/taobao-criteria.md): no year before it has figures or an answer. */
export const FIRST_TAOBAO_YEAR = 2009;
export const LAST_TAOBAO_YEAR = 2100;

/** The AliResearch year a figure's period belongs to: '2025' itself, '2024-07' … '2025-06' → 2025. */
export function yearOfPeriod(period: string): number {
  const year = Number(period.slice(0, 4));
  return period.length === 4 ? year : Number(period.slice(5, 7)) >= 7 ? year + 1 : year;
}


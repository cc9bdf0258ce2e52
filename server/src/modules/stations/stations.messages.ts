import { defineMessages } from '../../i18n/define';

/** The stations module's error messages, in every language (collected through modules/index.ts). */
export const stationsMessages = defineMessages({
  'zh-CN': {
    STATION_NOT_FOUND: '站点不存在。',
    STATION_CODE_TAKEN: '站点编码“{code}”已被使用。',
    STATION_REGION_LEVEL_MISMATCH: '{tier}必须设在{level}级区划上，{regionCode} 不是。',
    STATION_PARENT_TIER_MISMATCH: '{tier}的上级必须是{parentTier}。',
    STATION_PARENT_REGION_MISMATCH: '上级站点不在该站点所属的上级区划内：{tier}的上级须是本{parentLevel}的{parentTier}。',
    STATION_HAS_CHILDREN: '该站点下还有下级站点，不能改变其层级或所属区划。',
    STATION_DUPLICATE_ACTIVE_POINT: '“{village}”已有运营中的村级服务点 {existing}；如确需第二个，请管理员填写原因后再启用。',
    STATION_OVERRIDE_ADMIN_ONLY: '只有管理员可以允许同一村有第二个运营中的服务点。',
    STATION_STATUS_TRANSITION_INVALID: '站点状态不能从“{from}”改为“{to}”。',
    STATION_STATUS_REASON_REQUIRED: '将站点改为“{to}”时须填写原因。',
    STATION_VERSION_CONFLICT: '该站点已被他人修改，请刷新后再试。',
    STATION_COORDINATES_INVALID: '坐标须在中国境内（纬度 3.8–53.6，经度 73.4–135.1），且经纬度须同时填写。',
    LEDGER_DATE_IN_FUTURE: '不能填写未来日期（{date}）的台账。',
    LEDGER_LOCKED: '{date} 的台账已超过 {days} 天，站点只能修改最近 {days} 天的台账；如需更正请联系商务局。',
    LEDGER_STATION_NOT_ACTIVE: '站点当前不在运营中（{status}），不能填写台账。',
    LEDGER_VERSION_CONFLICT: '这一天的台账已被他人修改（当前版本 {current}），请查看最新数据后再保存。',
    IMPORT_STATION_UNKNOWN: '找不到站点“{value}”。',
    IMPORT_DUPLICATE_DAY: '{date} 在第 {row} 行已出现过。',
    LEDGER_IMPORT_ALREADY: '与已保存的台账相同，不再写入。',
    STATION_IMPORT_ALREADY: '站点已在名录中（编码、名称、层级、区划相同），不再写入。',
  },
  en: {
    STATION_NOT_FOUND: 'No such station.',
    STATION_CODE_TAKEN: 'Station code "{code}" is already used.',
    STATION_REGION_LEVEL_MISMATCH: 'A {tier} must sit on a {level}-level region; {regionCode} is not one.',
    STATION_PARENT_TIER_MISMATCH: 'The parent of a {tier} must be a {parentTier}.',
    STATION_PARENT_REGION_MISMATCH: 'The parent station is outside this station\'s region: a {tier}\'s parent must be the {parentTier} of its own {parentLevel}.',
    STATION_HAS_CHILDREN: 'This station has stations under it; its tier or region cannot change.',
    STATION_DUPLICATE_ACTIVE_POINT: '"{village}" already has an active village point ({existing}); an admin may allow a second one with a reason.',
    STATION_OVERRIDE_ADMIN_ONLY: 'Only an admin may allow a second active village point in one village.',
    STATION_STATUS_TRANSITION_INVALID: 'A station cannot go from "{from}" to "{to}".',
    STATION_STATUS_REASON_REQUIRED: 'Say why when setting a station to "{to}".',
    STATION_VERSION_CONFLICT: 'Someone else changed this station meanwhile. Reload and try again.',
    STATION_COORDINATES_INVALID: 'Coordinates must lie in China (lat 3.8–53.6, lng 73.4–135.1), with both given.',
    LEDGER_DATE_IN_FUTURE: 'The ledger cannot be filled in for a future date ({date}).',
    LEDGER_LOCKED: 'The ledger of {date} is more than {days} days old: stations may correct only the last {days} days; ask the bureau to correct it.',
    LEDGER_STATION_NOT_ACTIVE: 'The station is not operating ({status}); its ledger cannot be filled in.',
    LEDGER_VERSION_CONFLICT: 'Someone else changed this day\'s ledger (now version {current}). Look at the latest figures before saving.',
    IMPORT_STATION_UNKNOWN: 'No station "{value}".',
    IMPORT_DUPLICATE_DAY: '{date} already appears in row {row}.',
    LEDGER_IMPORT_ALREADY: 'Same as the stored entry: nothing to write.',
    STATION_IMPORT_ALREADY: 'Already in the register (same code, name, tier and region): nothing to write.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof stationsMessages)['zh-CN'], true> {}
}

import { defineMessages } from '../../i18n/define';

/** The route planner's error messages, in every language (collected through modules/index.ts). */
export const plannerMessages = defineMessages({
  'zh-CN': {
    PLANNER_PLAN_NOT_FOUND: '规划方案不存在。',
    PLANNER_HUB_NO_POINT: '共配中心所在站点没有经纬度，无法规划。',
    PLANNER_NO_VEHICLES: '共配中心没有可用车辆。',
    PLANNER_NO_STOPS: '没有可规划的村级服务点。',
    PLANNER_STOP_INVALID: '站点 {id} 不是本县在运营的村级服务点。',
    PLANNER_PIN_INVALID: '固定的站点 {id} 不在本次规划的村点或车辆中。',
    PLANNER_SEQUENCE_INVALID: '固定顺序中的站点 {id} 不在本次规划中、重复出现，或已固定到另一辆车。',
    PLANNER_MATRIX_HEADERS: '距离表需要“起点”“终点”“公里”三列（“分钟”可选）。',
    PLANNER_MATRIX_EMPTY: '距离表里没有数据行。',
    PLANNER_MATRIX_PLACE_UNKNOWN: '距离表第 {row} 行：“{place}”不是本共配中心或本县在运营的村级服务点（可填站点编码或名称）。',
    PLANNER_MATRIX_PLACE_AMBIGUOUS: '距离表第 {row} 行：“{place}”对应多个站点，请改填站点编码。',
    PLANNER_MATRIX_AMOUNT_INVALID: '距离表第 {row} 行：公里或分钟须为 0 到 10000 之间的数字。',
    PLANNER_MATRIX_SAME_PLACE: '距离表第 {row} 行：起点和终点是同一个地点。',
    PLANNER_NOT_DONE: '规划尚未完成，不能采用。',
    PLANNER_ACCEPTED_ALREADY: '该方案已采用过，不能重复采用。',
    PLANNER_EFFECTIVE_PAST: '采用的方案只能从今天（{today}）或以后生效。',
    PLANNER_UNASSIGNED_LEFT: '方案中有 {count} 个村点没有排进任何线路；确认让它们暂不通车后才能采用。',
  },
  en: {
    PLANNER_PLAN_NOT_FOUND: 'No such plan.',
    PLANNER_HUB_NO_POINT: 'The hub’s station has no coordinates: it cannot be planned.',
    PLANNER_NO_VEHICLES: 'The hub has no vehicle in use.',
    PLANNER_NO_STOPS: 'There is no village point to plan.',
    PLANNER_STOP_INVALID: 'Station {id} is not an active village point of the county.',
    PLANNER_PIN_INVALID: 'Pinned station {id} is not among this plan’s village points or vehicles.',
    PLANNER_SEQUENCE_INVALID: 'Station {id} in a pinned sequence is not in this plan, appears twice, or is pinned to another vehicle.',
    PLANNER_MATRIX_HEADERS: 'The distance table needs the columns 起点 (from), 终点 (to) and 公里 (km); 分钟 (minutes) is optional.',
    PLANNER_MATRIX_EMPTY: 'The distance table has no rows.',
    PLANNER_MATRIX_PLACE_UNKNOWN: 'Distance table row {row}: “{place}” is neither this hub nor an active village point of the county (use the station code or name).',
    PLANNER_MATRIX_PLACE_AMBIGUOUS: 'Distance table row {row}: “{place}” names several stations; use the station code.',
    PLANNER_MATRIX_AMOUNT_INVALID: 'Distance table row {row}: km and minutes must be numbers from 0 to 10,000.',
    PLANNER_MATRIX_SAME_PLACE: 'Distance table row {row}: from and to are the same place.',
    PLANNER_NOT_DONE: 'The plan has not finished: it cannot be accepted yet.',
    PLANNER_ACCEPTED_ALREADY: 'This plan has been accepted already.',
    PLANNER_EFFECTIVE_PAST: 'An accepted plan takes effect today ({today}) or later.',
    PLANNER_UNASSIGNED_LEFT: 'The plan leaves {count} village points off every route: confirm that they go unserved before accepting it.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof plannerMessages)['zh-CN'], true> {}
}

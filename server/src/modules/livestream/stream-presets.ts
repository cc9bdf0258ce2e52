import type { StreamField, StreamImportPreset } from './stream-import.schemas';

/**
 * 直播数据导入's column presets, as data: each platform export's column names per field (the
 * preferred first), the plain names of a user's own sheet, the labels of our fields, and the
 * columns we know but do not import. stream-import.ts reads them; a new export format is a new
 * entry here. See /work/shared/livestream-exports.md for where the names come from.
 *
 * Money concepts never merge: 直播间成交金额 (Douyin GMV) and 直播间用户支付金额 (what users paid) are
 * different columns, and only the first is guessed as GMV; the user may map the other by hand.
 * Rates keep their (人数) / (次数) suffix: the two differ, and the (人数) one is ours.
 */
export type StreamSynonyms = Partial<Record<StreamField, readonly string[]>>;

export const STREAM_PRESET_SYNONYMS: Record<Exclude<StreamImportPreset, 'custom'>, StreamSynonyms> = {
  douyin: {
    accountId: ['主播抖音号', '抖音号', '抖音号or火山号', '达人抖音号'],
    accountName: ['主播昵称', '达人昵称'],
    startedAt: ['直播开始时间', '开播时间', '直播时间'],
    endedAt: ['直播结束时间', '下播时间'],
    duration: ['直播时长(分钟)', '直播时长'],
    viewers: ['直播间观看人数', '累计观看人数', '观看人数'],
    peakViewers: ['最高在线人数', '在线人数峰值'],
    newFollowers: ['新增粉丝数'],
    orders: ['直播间成交订单数', '成交订单数'],
    buyers: ['直播间成交人数', '成交人数'],
    gmv: ['直播间成交金额', '成交金额'],
    conversionRate: ['观看-成交率(人数)', '直播间观看-成交率(人数)'],
    clickRate: ['商品曝光-点击率(人数)', '直播间商品曝光-点击率(人数)'],
    clickConversionRate: ['商品点击-成交率(人数)', '直播间商品点击-成交率(人数)'],
    interactionRate: ['直播间观看-互动率(人数)'],
    followRate: ['直播间观看-关注率(人数)'],
  },
  taobao: {
    accountId: ['主播ID', '主播账号', '账号ID', '淘宝直播账号'],
    accountName: ['主播昵称', '主播名称', '账号名称'],
    startedAt: ['开播时间', '直播时间', '直播开始时间'],
    endedAt: ['结束时间', '直播结束时间'],
    duration: ['直播时长', '开播时长(分钟)', '开播时长', '直播时长(分钟)'],
    viewers: ['直播间访问人数', '直播间浏览人数', '直播间观看人数', '观看人数'],
    peakViewers: ['最高在线人数', '在线人数峰值', '峰值在线'],
    newFollowers: ['新增粉丝数', '新增粉丝量', '直播间新增粉丝数'],
    orders: ['种草成交笔数', '成交笔数'],
    buyers: ['种草成交人数', '成交人数'],
    gmv: ['种草成交金额', '种草成交金额(元)', '成交金额', '成交金额(元)'],
    mainProducts: ['主推商品'],
    conversionRate: ['种草成交转化率', '成交转化率'],
    clickRate: ['商品点击率'],
    interactionRate: ['互动率', '互助率'],
    followRate: ['转粉率'],
  },
  wechat_channels: {
    accountId: ['视频号ID', '视频号账号'],
    accountName: ['视频号名称', '主播昵称'],
    startedAt: ['直播信息', '开播时间', '直播开始时间', '直播时间'],
    endedAt: ['结束时间', '直播结束时间'],
    duration: ['直播时长', '开播时长', '开播时长(秒)'],
    viewers: ['观看人数', '累计看播人数', '累计观看人数'],
    peakViewers: ['最高在线', '最高在线人数'],
    newFollowers: ['新增关注', '新增关注人数', '新增粉丝数'],
    orders: ['成交订单数', '成交笔数'],
    buyers: ['成交人数'],
    gmv: ['成交金额'],
  },
};

/** A user's own sheet: plain names (every export's names are added to them, see stream-import.ts). */
export const STREAM_PLAIN_SYNONYMS: StreamSynonyms = {
  accountId: ['账号', '账号ID', '平台账号'],
  accountName: ['主播', '主播姓名', '昵称'],
  startedAt: ['开始时间', '开播日期'],
  endedAt: ['下播时间'],
  duration: ['时长', '直播时长(秒)', '直播时长(小时)'],
  viewers: ['观众数', '直播观众数', '观看人数(UV)', 'UV'],
  peakViewers: ['峰值在线', '在线峰值'],
  newFollowers: ['涨粉', '新增粉丝'],
  orders: ['订单数', '成交单数'],
  buyers: ['购买人数', '下单人数'],
  gmv: ['GMV', '销售额', '成交额', '带货金额'],
  mainProducts: ['主推商品', '主要商品', '商品'],
  conversionRate: ['转化率', '观看-成交率'],
  clickRate: ['点击率', '商品曝光-点击率'],
  clickConversionRate: ['点击-成交率', '商品点击-成交率'],
  interactionRate: ['观看-互动率'],
  followRate: ['观看-关注率', '关注率'],
};

/**
 * Our fields' names as the wizard shows them: a header identical to one (or to any alias above,
 * after folding width, spaces and case) is mapped to its field whatever the preset.
 */
export const STREAM_FIELD_LABELS: Record<StreamField, { 'zh-CN': string; en: string }> = {
  accountId: { 'zh-CN': '平台账号', en: 'Account ID' },
  accountName: { 'zh-CN': '主播昵称', en: 'Account name' },
  startedAt: { 'zh-CN': '开播时间', en: 'Start time' },
  endedAt: { 'zh-CN': '下播时间', en: 'End time' },
  duration: { 'zh-CN': '直播时长', en: 'Duration' },
  viewers: { 'zh-CN': '观看人数', en: 'Viewers' },
  peakViewers: { 'zh-CN': '最高在线人数', en: 'Peak viewers' },
  newFollowers: { 'zh-CN': '新增粉丝数', en: 'New followers' },
  orders: { 'zh-CN': '成交订单数', en: 'Orders' },
  buyers: { 'zh-CN': '成交人数', en: 'Buyers' },
  gmv: { 'zh-CN': '成交金额', en: 'GMV' },
  mainProducts: { 'zh-CN': '主推商品', en: 'Main products' },
  conversionRate: { 'zh-CN': '观看-成交率', en: 'Conversion rate' },
  clickRate: { 'zh-CN': '商品点击率', en: 'Product click-through rate' },
  clickConversionRate: { 'zh-CN': '点击-成交率', en: 'Click-to-order rate' },
  interactionRate: { 'zh-CN': '互动率', en: 'Interaction rate' },
  followRate: { 'zh-CN': '转粉率', en: 'Follow rate' },
};

/** Columns of the exports we know but do not import: they help find the header row. */
export const STREAM_KNOWN_OTHER_COLUMNS: readonly string[] = [
  '主播头像',
  '直播标题',
  '场次ID',
  '直播间曝光人数',
  '直播间观看次数',
  '直播间浏览次数',
  '平均在线人数',
  '人均观看时长(分钟)',
  '总热度',
  '评论次数',
  '直播间用户支付金额',
  '商品点击人数',
  '观看-成交率(次数)',
  '商品曝光-点击率(次数)',
  '商品点击-成交率(次数)',
];

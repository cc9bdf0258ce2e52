import type { Lang } from './messages';

/** A module's own messages: the same keys in every language, Chinese first (the fallback). */
export function defineMessages<const K extends string>(messages: { 'zh-CN': Record<K, string> } & { [L in Exclude<Lang, 'zh-CN'>]: Record<K, string> }) {
  return messages;
}

export type ModuleMessages = { [L in Lang]: Record<string, string> };

import { pinyin } from 'pinyin-pro';
import { badRequest } from '../../lib/app-error';
import type { MessageKey } from '../../i18n/messages';
import { idCardHash, parseIdCard, type IdCardProblem } from '../../lib/id-card';
import { normaliseMobile } from '../../lib/mobile';
import { toHalfWidth } from '../../lib/text';

const ID_CARD_PROBLEM: Record<IdCardProblem, MessageKey> = {
  format: 'TRAINEE_ID_CARD_FORMAT',
  birth_date: 'TRAINEE_ID_CARD_BIRTH_DATE',
  checksum: 'TRAINEE_ID_CARD_CHECKSUM',
};

/** What a trainee's identity is stored as: never the ID-card number itself. */
export interface TraineeIdentity {
  name: string;
  nameInitials: string;
  mobile: string;
  idCard: { hash: string; last4: string; birthDate: string; gender: 'male' | 'female' } | null;
}

/** 张小红 → "zxh", "Li Na" → "ln": how a coordinator types a name in a hurry. */
export function nameInitials(name: string): string {
  // surname: 'head' reads a leading 单 as Shan, 曾 as Zeng…; other text keeps its words
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive', surname: 'head' })
    .flatMap((part) => part.toLowerCase().split(/\s+/))
    .map((word) => (/^[a-z]/.test(word) ? word[0] : word.replace(/[^a-z0-9]/g, '')))
    .join('');
}

/** A person's name as typed: half-width, single spaces, trimmed. */
export function cleanName(raw: string): string {
  return toHalfWidth(raw).replace(/\s+/g, ' ').trim();
}

/** Names as people are told apart: no spaces, any case (张 小红 = 张小红, Li Na = lina). */
export function sameName(a: string, b: string): boolean {
  const fold = (name: string) => cleanName(name).replace(/\s+/g, '').toLowerCase();
  return fold(a) === fold(b);
}

/**
 * A registered name shown to someone who typed another one: the first character only, each other
 * one a star (郭靖 → 郭*, 欧阳锋 → 欧**), enough to tell "that is someone else" from a typo.
 */
export function maskName(name: string): string {
  const [first = '', ...rest] = Array.from(cleanName(name).replace(/\s+/g, ''));
  return first + '*'.repeat(rest.length);
}

/**
 * A trainee as entered (check-in, registration, import) to what is stored. Refuses, with the
 * field named, a missing name, a mobile that is not a mainland mobile, or an ID-card number with a
 * wrong format, impossible birth date or failing checksum.
 */
export function traineeIdentity(raw: { name: string; mobile: string; idCard?: string | null }, context: { today: string; idKey: Buffer }): TraineeIdentity {
  const name = cleanName(raw.name);
  if (!name || name.length > 50) throw badRequest('TRAINEE_NAME_INVALID');
  const mobile = normaliseMobile(raw.mobile);
  if (!mobile) throw badRequest('TRAINEE_MOBILE_INVALID', { value: raw.mobile });
  let idCard: TraineeIdentity['idCard'] = null;
  if (raw.idCard && raw.idCard.trim()) {
    const parsed = parseIdCard(raw.idCard, context.today);
    if (typeof parsed === 'string') throw badRequest(ID_CARD_PROBLEM[parsed]);
    idCard = { hash: idCardHash(context.idKey, parsed.number), last4: parsed.last4, birthDate: parsed.birthDate, gender: parsed.gender };
  }
  return { name, nameInitials: nameInitials(name), mobile, idCard };
}

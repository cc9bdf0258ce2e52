import { describe, expect, it } from 'vitest';
import { idCardCheckChar, parseIdCard } from '@cuntong/server/lib/id-card';
import { normaliseMobile } from '@cuntong/server/lib/mobile';
import { nameInitials, traineeIdentity } from '@cuntong/server/modules/training/trainee-identity';

const TODAY = '2026-11-28';
/** A valid number for a birth date and sequence: the check character computed, not copied. */
const idCard = (first17: string) => first17 + idCardCheckChar(first17);

describe('trainee identity', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['＋８６ １３８－００１３－８０００', '13800138000'],
    ['138 0013 8000 ', '13800138000'],
    ['(138)00138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['12800138000', null], // no mobile starts 12
    ['1380013800', null], // 10 digits
    ['138001380001', null], // 12 digits
    ['+1 13800138000', null],
    ['0531-88888888', null], // a landline
    ['', null],
    ['abc', null],
  ])('mobile %j → %j', (raw, expected) => {
    expect(normaliseMobile(raw)).toBe(expected);
  });

  it('checks the GB 11643 check character (ISO 7064 MOD 11-2), including X', () => {
    // the standard's own example
    expect(idCardCheckChar('11010519491231002')).toBe('X');
    expect(parseIdCard('11010519491231002X', TODAY)).toEqual({ number: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', last4: '002X' });
    expect(parseIdCard('11010519491231002x', TODAY)).toMatchObject({ number: '11010519491231002X' });
    const man = idCard('37048119900101123');
    expect(parseIdCard(man, TODAY)).toMatchObject({ birthDate: '1990-01-01', gender: 'male' });
    expect(parseIdCard(` ${man.slice(0, 6)} ${man.slice(6)} `, TODAY)).toMatchObject({ number: man });
    const fullWidth = man.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(parseIdCard(fullWidth, TODAY)).toMatchObject({ number: man });
  });

  it.each([
    ['1101051949123100', 'format'], // 16 characters
    ['11010519491231002XX', 'format'],
    ['1101051949123100X2', 'format'], // X not last
    ['110105194912310021', 'checksum'], // right shape, wrong check digit
    [idCard('37048119900230123'), 'birth_date'], // 30 February
    [idCard('37048120270101123'), 'birth_date'], // born after today
    [idCard('37048118991231123'), 'birth_date'], // before 1900
  ])('ID card %j is refused: %s', (raw, problem) => {
    expect(parseIdCard(raw, TODAY)).toBe(problem);
  });

  it('stores a keyed hash and the last four, never the number; the same number gives the same hash', () => {
    const key = Buffer.alloc(32, 7);
    const number = idCard('37048119900101123');
    const a = traineeIdentity({ name: ' 张  小红 ', mobile: '+86 138 0013 8000', idCard: number }, { today: TODAY, idKey: key });
    const b = traineeIdentity({ name: '张小红', mobile: '13800138000', idCard: number.toLowerCase() }, { today: TODAY, idKey: key });
    expect(a).toMatchObject({ name: '张 小红', mobile: '13800138000', idCard: { last4: number.slice(-4), birthDate: '1990-01-01', gender: 'male' } });
    expect(a.idCard!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.idCard!.hash).toBe(b.idCard!.hash);
    expect(JSON.stringify(a)).not.toContain(number);
    const otherKey = traineeIdentity({ name: '张小红', mobile: '13800138000', idCard: number }, { today: TODAY, idKey: Buffer.alloc(32, 8) });
    expect(otherKey.idCard!.hash).not.toBe(a.idCard!.hash);
  });

  it('refuses a bad mobile or ID card with its own code', () => {
    const context = { today: TODAY, idKey: Buffer.alloc(32) };
    expect(() => traineeIdentity({ name: '李娜', mobile: '12345' }, context)).toThrow(expect.objectContaining({ code: 'TRAINEE_MOBILE_INVALID' }));
    expect(() => traineeIdentity({ name: '  ', mobile: '13800138000' }, context)).toThrow(expect.objectContaining({ code: 'TRAINEE_NAME_INVALID' }));
    expect(() => traineeIdentity({ name: '李娜', mobile: '13800138000', idCard: '110105194912310021' }, context)).toThrow(
      expect.objectContaining({ code: 'TRAINEE_ID_CARD_CHECKSUM' }),
    );
  });

  it('gives pinyin initials to search by, surnames read as surnames', () => {
    expect(nameInitials('张小红')).toBe('zxh');
    expect(nameInitials('单田芳')).toBe('stf');
    expect(nameInitials('欧阳娜娜')).toBe('oynn');
    expect(nameInitials('Li Na')).toBe('ln');
  });
});

import { useI18n } from 'vue-i18n';

/**
 * Labels for codes the server sends (levels, kinds, actions, metric keys): `<prefix>.<code>` from
 * the locale files; a code we have no label for is shown as it is, never as a missing-key path.
 */
export function useEnumLabel() {
  const { t, te } = useI18n();

  function label(prefix: string, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return '';
    const key = `${prefix}.${code}`;
    return te(key) ? t(key) : code;
  }

  /** Code → label for a set of codes: the `labels` of an export column. */
  function labels(prefix: string, codes: readonly string[]): Record<string, string> {
    return Object.fromEntries(codes.map((code) => [code, label(prefix, code)]));
  }

  return { label, labels };
}

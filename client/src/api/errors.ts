import { i18n } from '@/i18n';
import { isApiError } from './trpc';

/**
 * The text to show for a failed call. The server has already translated its errors (they carry
 * `data.appCode`); anything else (network down, proxy error page) gets our own message.
 */
export function errorMessage(error: unknown): string {
  if (isApiError(error) && error.data?.appCode) return error.message;
  return i18n.global.t('common.errors.network');
}

import type { MessageKey, MessageParams } from '../i18n/messages';

/** How a domain error maps onto tRPC's transport codes. */
export type AppErrorKind = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'INTERNAL_SERVER_ERROR';

/**
 * The one error type services throw. `code` is stable (clients and tests switch on it); the error
 * formatter turns it into a message in the caller's language. Never an HTTP concern in a service.
 */
export class AppError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly kind: AppErrorKind,
    readonly params: MessageParams = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const badRequest = (code: MessageKey, params?: MessageParams) => new AppError(code, 'BAD_REQUEST', params);
export const notFound = (code: MessageKey, params?: MessageParams) => new AppError(code, 'NOT_FOUND', params);
export const conflict = (code: MessageKey, params?: MessageParams) => new AppError(code, 'CONFLICT', params);
export const forbidden = (code: MessageKey, params?: MessageParams) => new AppError(code, 'FORBIDDEN', params);

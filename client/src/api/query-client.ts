import { QueryClient } from '@tanstack/vue-query';
import { isApiError } from './trpc';

/**
 * Client errors (4xx) will not get better by asking again; network and server errors may, and so
 * may a 429 (the server was busy: vue-query waits a second, then two, before asking again).
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = isApiError(error) ? (error.data?.httpStatus ?? 500) : 500;
  if (status < 500 && status !== 429) return false;
  return failureCount < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
    mutations: { retry: false },
  },
});

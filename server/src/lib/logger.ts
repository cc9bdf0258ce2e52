import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'cuntong' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['password', '*.password', '*.newPassword', '*.currentPassword', 'req.headers.cookie'],
  });
}

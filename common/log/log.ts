import { type Logger, pino } from 'pino';

/** The one logger: structured JSON lines on stderr; level from MINIK8S_LOG_LEVEL (default info). */
export const rootLogger: Logger = pino(
  { level: process.env.MINIK8S_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
  pino.destination({ fd: 2, sync: false }),
);

export function createLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger.child({ component, ...bindings });
}

export type { Logger };

// The application's metrics: the library's rwsplit_* metrics (rwsplit/metrics) plus the writer's own counter,
// in one registry, fed by one listener that takes both kinds of event.
import { Counter } from 'prom-client';
import { createMetrics, type MetricsOptions, type RwsplitMetrics } from 'rwsplit/metrics';
import type { AppEventListener, WriterRoute } from '../writer/writer-events';

const WRITER_FALLBACK_ROUTES: readonly WriterRoute[] = ['psql', 'docker-exec'];

export interface AppMetrics extends Omit<RwsplitMetrics, 'listener'> {
  /** Takes the library's events and the writer's. */
  readonly listener: AppEventListener;
  /** `rwsplit_writer_fallback_total{via}`: writes that went around Prisma through psql. */
  readonly writerFallback: Counter<'via'>;
}

/** The library's metrics and the writer's counter in one registry. */
export function createAppMetrics(options: MetricsOptions = {}): AppMetrics {
  const base = createMetrics(options);
  const writerFallback = new Counter({
    name: 'rwsplit_writer_fallback_total',
    help: 'Writes that went around Prisma through psql, by route (psql or docker-exec).',
    labelNames: ['via'] as const,
    registers: [base.registry],
  });
  // Known label values start at 0, so rate() and alerts see the series before the first fallback happens.
  for (const via of WRITER_FALLBACK_ROUTES) writerFallback.inc({ via }, 0);
  const listener: AppEventListener = (event) => {
    if (event.event === 'writer_fallback') writerFallback.inc({ via: event.via });
    else if (event.event !== 'writer_fallback_failed') base.listener(event);
  };
  return { ...base, listener, writerFallback };
}

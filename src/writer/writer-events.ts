// The writer's own events, beside the library's: the application's listeners (monitor, metrics, logs) receive both.
import type { RwsplitEvent } from 'rwsplit';

/** How a write went around Prisma. */
export type WriterRoute = 'psql' | 'docker-exec';

export type WriterEvent =
  /** A write went around Prisma through psql. */
  | { event: 'writer_fallback'; via: WriterRoute; reason: string }
  /** That fallback failed too (`reason` says why). */
  | { event: 'writer_fallback_failed'; via: WriterRoute; reason: string };

/** Every event the application emits: the library's and the writer's. */
export type AppEvent = RwsplitEvent | WriterEvent;

/** Receives every application event. */
export type AppEventListener = (event: AppEvent) => void;

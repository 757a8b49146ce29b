// `--trace`: OpenTelemetry for the example, printed to the console. The SDK's tracer provider with an
// AsyncLocalStorage context manager, Prisma's own instrumentation, and an exporter (the console's by default). rwsplit
// finds `@opentelemetry/api` installed and puts a span on every statement it routes, naming the node that served it,
// under Prisma's spans.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { PrismaInstrumentation } from '@prisma/instrumentation';

/** Registers tracing for the whole process; resolves the returned function to flush and stop it. */
export function startTracing(exporter: SpanExporter = new ConsoleSpanExporter()): () => Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new PrismaInstrumentation()],
  });
  return async () => {
    unregister();
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}

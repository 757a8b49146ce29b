// OpenTelemetry spans on the shared cluster, with the SDK's in-memory exporter and Prisma's own instrumentation
// registered: every routed statement has a span naming the node that served it, and the node is the one whose
// server answered (inet_server_port()). Fallbacks show on the span; the spans nest under Prisma's.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import type { Rwsplit } from '../../src';
import type { PrismaClient } from '../fixture/generated/client';
import { ensureFixtureSchema, uniqueEmail } from '../helpers/fixture-schema';
import { QUIET_CHECKS, routedClient } from '../helpers/routed-client';
import { pauseReplay, portOf, resumeReplay, testCluster, waitForReplicas } from '../helpers/test-cluster';

const cluster = testCluster();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let rw: Rwsplit<PrismaClient>;

const ours = () => exporter.getFinishedSpans().filter((s) => s.name.startsWith('rwsplit '));

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  await ensureFixtureSchema(cluster);
  await waitForReplicas(cluster);
  rw = await routedClient(cluster, QUIET_CHECKS);
});
afterAll(async () => {
  await resumeReplay(cluster);
  await rw?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

test("a routed read's span names the node whose server answered, and nests under Prisma's spans", async () => {
  const [answer] = await rw.client.$replica().$queryRaw<{ port: number; in_recovery: boolean }[]>`
    SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery`;
  expect(answer!.in_recovery).toBe(true);
  const [span] = ours();
  expect(span!.attributes).toMatchObject({
    'db.system.name': 'postgresql',
    'server.address': '127.0.0.1',
    'server.port': answer!.port,
    'rwsplit.role': 'replica',
    'rwsplit.mode': 'eventual',
    'rwsplit.operation': '$queryRaw',
  });
  // Its parent is one of Prisma's spans, in the same trace.
  const all = exporter.getFinishedSpans();
  const parent = all.find((s) => s.spanContext().spanId === span!.parentSpanContext?.spanId);
  expect(parent?.name).toMatch(/^prisma:/);
  expect(parent?.spanContext().traceId).toBe(span!.spanContext().traceId);
});

test('a write names the primary; a read-your-writes read that fell back says why', async () => {
  await pauseReplay(cluster);
  const [writeAnswer] = await rw.client.$queryRaw<{ port: number }[]>`SELECT inet_server_port() AS port`;
  await rw.session(async () => {
    const user = await rw.client.user.create({ data: { email: uniqueEmail('trace'), name: 'trace' } });
    await rw.client.user.findUnique({ where: { id: user.id } });
  });
  const spans = ours();
  const byOperation = (operation: string) => spans.find((s) => s.attributes['rwsplit.operation'] === operation);
  expect(byOperation('$queryRaw')!.attributes).toMatchObject({
    'server.port': writeAnswer!.port,
    'rwsplit.role': 'primary',
    'rwsplit.mode': 'write',
  });
  expect(writeAnswer!.port).toBe(portOf(cluster.primaryUrl));
  const read = byOperation('findUnique')!;
  expect(read.attributes).toMatchObject({
    'server.port': portOf(cluster.primaryUrl),
    'rwsplit.role': 'primary',
    'rwsplit.mode': 'read-your-writes',
    'rwsplit.fallback_reason': 'not_caught_up',
  });
});

test('tracing: false makes no span', async () => {
  const quiet = await routedClient(cluster, { ...QUIET_CHECKS, tracing: false });
  try {
    await quiet.client.user.count();
    expect(ours()).toEqual([]);
  } finally {
    await quiet.close();
  }
});

// createRwsplit with a topology source alone (no primaryUrl): the documented form for Patroni.
import { ConfigError, type RwsplitOptions } from '../../src';
import { resolveOptions } from '../../src/options';
import { fixedTopology } from '../../src/topology/topology-source';

class NotConnected {
  async $connect(): Promise<void> {}
  async $disconnect(): Promise<void> {}
}

test('a topology source alone is accepted; primaryUrl is then neither needed nor allowed', () => {
  const topology = fixedTopology('postgresql://a:b@db1/app', ['postgresql://a:b@db2/app']);
  expect(resolveOptions({ PrismaClient: NotConnected, topology }).topology).toBe(topology);
  expect(() =>
    resolveOptions({ PrismaClient: NotConnected, topology, primaryUrl: 'postgresql://a:b@db1/app' } as RwsplitOptions),
  ).toThrow(ConfigError);
});

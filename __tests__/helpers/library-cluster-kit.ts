// The application's implementation of the library's cluster kit (packages/rwsplit/test/helpers/cluster-kit.ts):
// the library's tests that stop, freeze or promote nodes, run on Patroni or through PgBouncer, get them from here.
// The jest global setup names this file in RWSPLIT_TEST_CLUSTER_KIT; the library never imports the application.
import type { ClusterKit } from '../../packages/rwsplit/test/helpers/cluster-kit';
import { kitHa } from './kit-ha';
import { kitPgbouncer } from './kit-pgbouncer';
import { kitThrowaway } from './kit-throwaway';

export const clusterKit: ClusterKit = {
  throwaway: kitThrowaway,
  ha: kitHa,
  pgbouncer: kitPgbouncer,
};

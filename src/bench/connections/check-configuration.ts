// Did a configuration really run? Every process reported, reached the primary and a replica, and no read or
// session failed; every node saw the bench's server connections, every replica was health-checked, and with
// PgBouncer every PgBouncer held the processes' client connections. Pure: it only reads the figures.
import type { ChildReport } from './child-report';
import type { ConfigurationResult } from './summarize-configuration';

/** What went wrong, one sentence each; empty when the configuration really ran. */
export function checkConfiguration(result: ConfigurationResult, reports: readonly ChildReport[]): string[] {
  const problems: string[] = [];
  const [primary, ...replicas] = result.nodes;
  if (primary === undefined) return ['the configuration names no node'];
  if (reports.length !== result.processes) {
    problems.push(`${reports.length} of ${result.processes} processes reported`);
  }
  for (const r of reports) {
    if ((r.queriesByNode[primary] ?? 0) === 0) problems.push(`process ${r.pid} never reached the primary`);
    if (!replicas.some((n) => (r.queriesByNode[n] ?? 0) > 0)) {
      problems.push(`process ${r.pid} never reached a replica (every read went to the primary)`);
    }
    if (r.reads === 0) problems.push(`process ${r.pid} completed no read`);
    if (r.readErrors + r.sessionErrors > 0) {
      problems.push(
        `process ${r.pid}: ${r.readErrors} read(s) and ${r.sessionErrors} session(s) failed, the first with: ` +
          `${r.firstError ?? 'no message'}`,
      );
    }
  }
  if (result.samples === 0) problems.push('no sample was taken while the load ran');
  for (const n of result.nodes) {
    if ((result.serverConnections[n]?.max ?? 0) === 0) {
      problems.push(`${n}: pg_stat_activity never showed a server connection of the bench`);
    }
    if (result.pgbouncerClients && (result.pgbouncerClients[n]?.max ?? 0) === 0) {
      problems.push(`${n}: its PgBouncer never held a client connection`);
    }
  }
  for (const n of replicas) {
    if ((result.healthChecksPerSecond[n] ?? 0) === 0) problems.push(`${n}: no health check ran during the load`);
  }
  return problems;
}

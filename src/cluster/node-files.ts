// The configuration files a local node needs: the shared server settings, each node's own settings, and the
// client authentication rules. Kept apart from the process management in local-cluster.ts.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LocalClusterConfig } from '../config';

/** One node of the local cluster: a stable name and its port. `index` 0 is the node created as primary. */
export interface LocalNode {
  readonly name: string;
  readonly index: number;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
}

/** Settings shared by every node (written once into postgresql.conf of the primary, then copied). */
export function sharedSettings(socketDir: string): string {
  return [
    '',
    '# --- rwsplit local cluster ---',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir.replace(/'/g, "''")}'`,
    'wal_level = replica',
    'max_wal_senders = 10',
    'max_replication_slots = 10',
    'hot_standby = on',
    // Standbys report their oldest snapshot so the primary does not vacuum rows a long read still needs.
    'hot_standby_feedback = on',
    "wal_keep_size = '256MB'",
    "password_encryption = 'scram-sha-256'",
    'max_connections = 200',
    "shared_buffers = '64MB'",
    // Standbys apply WAL without waiting; wal_receiver_status_interval feeds replay progress back often.
    "wal_receiver_status_interval = '1s'",
    // A standby whose primary restarted (crash, `up` after a fault) reconnects within 1 s, not the default 5 s.
    "wal_retrieve_retry_interval = '1s'",
    "log_line_prefix = '%m [%p] %q%a '",
    // Each node reads its own port, role and upstream from node.conf.
    "include_if_exists = 'node.conf'",
    '',
  ].join('\n');
}

/** The node's own settings: its port and name, and for a standby where it streams from. */
export function nodeSettings(
  cluster: LocalClusterConfig,
  node: LocalNode,
  upstreamPort: number | undefined,
  standbyNames: readonly string[],
): string {
  const lines = [`port = ${node.port}`, `cluster_name = '${node.name}'`];
  if (upstreamPort !== undefined) {
    const conninfo = [
      `host=${cluster.host}`,
      `port=${upstreamPort}`,
      `user=${cluster.replicationUser}`,
      `password=${cluster.replicationPassword}`,
      `application_name=${node.name}`,
    ].join(' ');
    lines.push(`primary_conninfo = '${conninfo}'`, `primary_slot_name = '${node.name}'`);
  } else if (cluster.syncStandbys > 0 && standbyNames.length > 0) {
    // After a failover fewer standbys may be left than were asked for; waiting for absent ones would hang commits.
    const count = Math.min(cluster.syncStandbys, standbyNames.length);
    lines.push(`synchronous_standby_names = 'ANY ${count} (${standbyNames.join(', ')})'`);
  }
  return `${lines.join('\n')}\n`;
}

/** Who may connect: the superuser only over the Unix socket; the app and replication roles over loopback TCP. */
export function hbaRules(cluster: LocalClusterConfig): string {
  return [
    '# TYPE  DATABASE     USER            ADDRESS        METHOD',
    'local   all          all                            trust',
    `host    replication  ${cluster.replicationUser}  127.0.0.1/32  scram-sha-256`,
    `host    all          ${cluster.adminUser}        127.0.0.1/32  reject`,
    'host    all          all             127.0.0.1/32   scram-sha-256',
    '',
  ].join('\n');
}

/** Writes node.conf; a standby also gets standby.signal. */
export async function writeNodeFiles(
  cluster: LocalClusterConfig,
  node: LocalNode,
  upstreamPort: number | undefined,
  standbyNames: readonly string[],
): Promise<void> {
  await fs.writeFile(path.join(node.dataDir, 'node.conf'), nodeSettings(cluster, node, upstreamPort, standbyNames));
  const signal = path.join(node.dataDir, 'standby.signal');
  if (upstreamPort !== undefined) await fs.writeFile(signal, '');
  else await fs.rm(signal, { force: true });
}

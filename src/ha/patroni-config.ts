// One Patroni member's configuration file. JSON is valid YAML, so the file is written with JSON.stringify and no
// YAML library. The DCS section (bootstrap.dcs) only takes effect when the cluster is first initialized in etcd.
import fs from 'node:fs/promises';
import { PG15_BIN_DIR } from './ha-binaries';
import type { HaConfig, HaMemberConfig } from './ha-config';

/** The fast DCS profile: a lost leader is replaced within ttl, members act once per loop_wait. */
export const FAST_DCS = { ttl: 10, loop_wait: 1, retry_timeout: 3 } as const;

export function patroniConfig(cfg: HaConfig, member: HaMemberConfig): Record<string, unknown> {
  const loopback = `${cfg.host}/32`;
  return {
    scope: cfg.scope,
    namespace: '/service/',
    name: member.name,
    restapi: {
      listen: `${cfg.host}:${member.restPort}`,
      connect_address: `${cfg.host}:${member.restPort}`,
    },
    // etcd3 (the v3 API): the v2 `etcd:` section needs --enable-v2=true and otherwise waits on etcd forever.
    etcd3: { hosts: [`${cfg.host}:${cfg.etcd.clientPort}`] },
    bootstrap: {
      dcs: {
        ...FAST_DCS,
        maximum_lag_on_failover: 1048576,
        // A killed postmaster fails over instead of being restarted in place for up to 300 s (the default).
        primary_start_timeout: 0,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: 'replica',
            hot_standby: 'on',
            max_connections: 100,
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: '128MB',
            // pg_rewind needs hint bits in the WAL (or data checksums) to rejoin an old leader.
            wal_log_hints: 'on',
            hot_standby_feedback: 'on',
          },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }, 'data-checksums'],
    },
    postgresql: {
      listen: `${cfg.host}:${member.pgPort}`,
      connect_address: `${cfg.host}:${member.pgPort}`,
      data_dir: member.dataDir,
      bin_dir: PG15_BIN_DIR,
      pgpass: `${member.dir}/pgpass`,
      // A member pg_rewind cannot bring back is cloned again rather than left stopped (see stranded-replicas.ts for
      // the case Patroni does not notice).
      remove_data_directory_on_rewind_failure: true,
      // Without a fast checkpoint pg_basebackup waits for a spread one: a minute or more on an idle leader.
      basebackup: [{ checkpoint: 'fast' }],
      authentication: {
        superuser: { username: cfg.superuser, password: cfg.superuserPassword },
        replication: { username: cfg.replicationUser, password: cfg.replicationPassword },
        // Patroni creates this non-superuser role at bootstrap with the grants pg_rewind needs.
        rewind: { username: cfg.rewindUser, password: cfg.rewindPassword },
      },
      parameters: {
        unix_socket_directories: cfg.socketDir,
        password_encryption: 'scram-sha-256',
      },
      // TCP logins need a password (scram, which also answers clients asking for md5); the socket is trusted, and
      // only the postgres account can reach the socket folder.
      pg_hba: [
        'local all all trust',
        `host replication ${cfg.replicationUser} ${loopback} scram-sha-256`,
        `host all all ${loopback} scram-sha-256`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

/** Writes the member's patroni.yml (JSON, a subset of YAML), readable by its owner only: it holds passwords. */
export async function writePatroniConfig(cfg: HaConfig, member: HaMemberConfig): Promise<void> {
  await fs.writeFile(member.configFile, `${JSON.stringify(patroniConfig(cfg, member), null, 2)}\n`, { mode: 0o600 });
}

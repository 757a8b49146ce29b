// Ports, folders and accounts of the local HA cluster (etcd + Patroni members on PostgreSQL 15). Its ports are its
// own, away from the embedded cluster's 15432-15434 and from a system server's 5432, so both can run at once.
import path from 'node:path';
import { z } from 'zod';
import { CLUSTER_BASE, loadConfig } from '../config';

export interface HaMemberConfig {
  /** Patroni member name, e.g. `ha1`. */
  readonly name: string;
  /** Patroni REST API port. */
  readonly restPort: number;
  /** PostgreSQL port. */
  readonly pgPort: number;
  /** The member's folder: patroni.yml, pgpass, log and data. */
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export interface HaConfig {
  /** Everything the HA cluster writes lives here (etcd data, members, sockets). */
  readonly dir: string;
  /** Loopback address every process listens on. */
  readonly host: string;
  /** Patroni's scope (cluster name in the DCS). */
  readonly scope: string;
  readonly etcd: {
    readonly clientPort: number;
    readonly peerPort: number;
    readonly dataDir: string;
    readonly logFile: string;
    readonly pidFile: string;
  };
  /** Unix socket folder shared by the members (each has its own port, so its own socket file). */
  readonly socketDir: string;
  /** The members `up` starts (addMember can add more while running). */
  readonly members: readonly HaMemberConfig[];
  /** Ports of the next members addMember uses, in order. */
  readonly spareMembers: readonly HaMemberConfig[];
  readonly database: string;
  readonly appUser: string;
  readonly appPassword: string;
  readonly superuser: string;
  readonly superuserPassword: string;
  readonly replicationUser: string;
  readonly replicationPassword: string;
  readonly rewindUser: string;
  readonly rewindPassword: string;
}

const port = z.number().int().min(1024).max(65535);

/** What a caller may change; everything else is fixed. */
export const haOptionsSchema = z.object({
  /** Default `<project>/.cluster-ha` (git-ignored), or env RWSPLIT_HA_DIR. */
  dir: z.string().min(1).optional(),
  /** How many members `up` starts. Default 3. */
  members: z.number().int().min(1).max(4).optional(),
  etcdClientPort: port.default(23790),
  etcdPeerPort: port.default(23800),
  /** REST ports are restPortBase + i, PostgreSQL ports pgPortBase + i (i from 0). */
  restPortBase: port.default(18008),
  pgPortBase: port.default(15531),
});

export type HaOptions = z.input<typeof haOptionsSchema>;

/** Members the config knows ports for: `up` starts the first `members`, addMember takes the rest. */
const MAX_MEMBERS = 4;

/** The HA cluster's config for these options (defaults: 3 members, ports above). */
export function haConfig(options: HaOptions = {}, defaultDir: string = loadConfig().haDir): HaConfig {
  const o = haOptionsSchema.parse(options);
  const dir = o.dir === undefined ? defaultDir : path.resolve(CLUSTER_BASE, o.dir);
  const count = o.members ?? 3;
  const all: HaMemberConfig[] = [];
  for (let i = 0; i < MAX_MEMBERS; i++) {
    const name = `ha${i + 1}`;
    const memberDir = path.join(dir, name);
    all.push(
      Object.freeze({
        name,
        restPort: o.restPortBase + i,
        pgPort: o.pgPortBase + i,
        dir: memberDir,
        dataDir: path.join(memberDir, 'data'),
        configFile: path.join(memberDir, 'patroni.yml'),
        logFile: path.join(memberDir, 'patroni.log'),
        pidFile: path.join(memberDir, 'patroni.pid'),
      }),
    );
  }
  return Object.freeze({
    dir,
    host: '127.0.0.1',
    scope: 'rwsplit-ha',
    etcd: Object.freeze({
      clientPort: o.etcdClientPort,
      peerPort: o.etcdPeerPort,
      dataDir: path.join(dir, 'etcd', 'data'),
      logFile: path.join(dir, 'etcd', 'etcd.log'),
      pidFile: path.join(dir, 'etcd', 'etcd.pid'),
    }),
    socketDir: path.join(dir, 'run'),
    members: Object.freeze(all.slice(0, count)),
    spareMembers: Object.freeze(all.slice(count)),
    database: 'rwsplit',
    appUser: 'rwsplit_app',
    appPassword: 'rwsplit-ha-dev',
    superuser: 'postgres',
    superuserPassword: 'ha-superuser-dev',
    replicationUser: 'replicator',
    replicationPassword: 'ha-replication-dev',
    rewindUser: 'rewinder',
    rewindPassword: 'ha-rewind-dev',
  });
}

/** Every member the config knows, started or spare. */
export function allMembers(cfg: HaConfig): readonly HaMemberConfig[] {
  return [...cfg.members, ...cfg.spareMembers];
}

/** The member called `name`, or a clear error. */
export function memberByName(cfg: HaConfig, name: string): HaMemberConfig {
  const found = allMembers(cfg).find((m) => m.name === name);
  if (!found) {
    throw new Error(
      `No HA member "${name}"; members are ${allMembers(cfg)
        .map((m) => m.name)
        .join(', ')}.`,
    );
  }
  return found;
}

/** The REST base URL of a member. */
export function restUrl(cfg: HaConfig, member: HaMemberConfig): string {
  return `http://${cfg.host}:${member.restPort}`;
}

/** A PostgreSQL URL for the application user on host:port. */
export function appUrl(cfg: HaConfig, host: string, pgPort: number): string {
  const user = encodeURIComponent(cfg.appUser);
  const password = encodeURIComponent(cfg.appPassword);
  return `postgresql://${user}:${password}@${host}:${pgPort}/${cfg.database}`;
}

/** A PostgreSQL URL for the superuser (admin work and checks only) on host:port. */
export function superuserUrl(cfg: HaConfig, host: string, pgPort: number): string {
  const user = encodeURIComponent(cfg.superuser);
  const password = encodeURIComponent(cfg.superuserPassword);
  return `postgresql://${user}:${password}@${host}:${pgPort}/postgres`;
}

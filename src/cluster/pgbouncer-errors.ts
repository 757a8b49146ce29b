// The errors of the local PgBouncers (src/cluster/pgbouncer-*.ts): each says what happened and what to do next,
// and keeps what caused it.

/** Base class: every PgBouncer failure of the local tooling is one of these. */
export class PgBouncerError extends Error {
  override readonly name: string = 'PgBouncerError';
}

/** No working pgbouncer binary. */
export class PgBouncerNotInstalledError extends PgBouncerError {
  override readonly name = 'PgBouncerNotInstalledError';
  /** The files that were tried, in order. */
  readonly tried: readonly string[];

  constructor(tried: readonly string[], options?: { cause?: unknown }) {
    super(
      `PgBouncer is not installed (tried ${tried.join(', ')}). Run \`npm run setup:tools\` as root, which installs ` +
        "Debian's pgbouncer package, or install it yourself (`sudo apt-get install -y pgbouncer`).",
      options,
    );
    this.tried = tried;
  }
}

/** The port a PgBouncer should listen on is taken by another process. */
export class PgBouncerPortInUseError extends PgBouncerError {
  override readonly name = 'PgBouncerPortInUseError';
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, options?: { cause?: unknown }) {
    super(
      `Port ${port} on ${host} is taken by another process, so PgBouncer cannot listen there. Stop that process ` +
        `(\`ss -tlnp | grep :${port}\` shows which), or choose other ports (\`--pgbouncer-ports p0,p1,…\`, each ` +
        'below 32768).',
      options,
    );
    this.host = host;
    this.port = port;
  }
}

/** PgBouncer did not start, or did not accept connections in time. */
export class PgBouncerStartError extends PgBouncerError {
  override readonly name = 'PgBouncerStartError';
  /** Which PgBouncer (the node it fronts). */
  readonly instance: string;
  readonly port: number;

  constructor(instance: string, port: number, detail: string, options?: { cause?: unknown }) {
    super(`PgBouncer for ${instance} (port ${port}) did not start: ${detail}`, options);
    this.instance = instance;
    this.port = port;
  }
}

/** A PgBouncer option that cannot work (a port out of range, a password PgBouncer's files cannot hold…). */
export class PgBouncerConfigError extends PgBouncerError {
  override readonly name = 'PgBouncerConfigError';
}

// docker/standby-entrypoint.sh run for real by bash, with stand-ins first on PATH for what the postgres image
// provides (pg_isready, gosu, pg_basebackup, docker-entrypoint.sh) and for chown and sleep. Each stand-in logs its
// argv and the PGPASSWORD it was given; pg_basebackup's writes PG_VERSION and standby.signal as a base backup would.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

const SCRIPT = path.resolve(__dirname, '..', '..', 'docker', 'standby-entrypoint.sh');
const PASSWORD = `r'e p"l -- $(id) ${process.pid}`;

/** Every stand-in starts with this: one log line of its name and argv (tab-separated), one of its PGPASSWORD. */
const LOG_CALL = `#!/bin/bash
name=$(basename "$0")
{ printf '%s' "$name"; printf '\\t%s' "$@"; printf '\\n'; } >> "$STANDIN_LOG"
printf '%s\\t%s\\n' "$name" "\${PGPASSWORD-<unset>}" >> "$STANDIN_LOG.env"
`;

const STAND_INS: Record<string, string> = {
  // Fails until it has been called more than STANDIN_ISREADY_FAILS times.
  pg_isready: `n=$(grep -c '^pg_isready' "$STANDIN_LOG"); [ "$n" -gt "\${STANDIN_ISREADY_FAILS:-0}" ]`,
  gosu: 'shift; exec "$@"',
  pg_basebackup: [
    'for a in "$@"; do case "$a" in --pgdata=*) d=${a#--pgdata=} ;; esac; done',
    '[ -d "$d" ] || { echo "pg_basebackup stand-in: $d does not exist" >&2; exit 1; }',
    'echo 17 > "$d/PG_VERSION"; : > "$d/standby.signal"',
  ].join('\n'),
  'docker-entrypoint.sh': 'exit 0',
  chown: 'exit 0',
  sleep: 'exit 0',
};

let bin: string;
let work: string;
beforeAll(async () => {
  bin = await fs.mkdtemp(path.join(os.tmpdir(), 'rw-standins-'));
  for (const [name, body] of Object.entries(STAND_INS)) {
    await fs.writeFile(path.join(bin, name), `${LOG_CALL}${body}\n`, { mode: 0o755 });
  }
});
beforeEach(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'rw-standby-'));
});
afterEach(async () => {
  await fs.rm(work, { recursive: true, force: true });
});
afterAll(async () => {
  await fs.rm(bin, { recursive: true, force: true });
});

interface Run {
  readonly exitCode: number | undefined;
  readonly output: string;
  /** One entry per stand-in call: its name, then its arguments. */
  readonly calls: string[][];
  /** The PGPASSWORD each stand-in saw, in call order. */
  readonly passwords: [string, string][];
}

async function runEntrypoint(env: Record<string, string>, args = ['postgres', '-c', 'hot_standby=on']): Promise<Run> {
  const log = path.join(work, 'calls');
  const r = await execa('bash', [SCRIPT, ...args], {
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 30_000,
    extendEnv: false,
    env: {
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      STANDIN_LOG: log,
      PGDATA: path.join(work, 'data'),
      PRIMARY_HOST: 'db-primary',
      PRIMARY_PORT: '6543',
      REPLICATION_USER: 'repl',
      REPLICATION_SLOT: 'slot_b',
      ...env,
    },
  });
  const lines = async (file: string) =>
    (await fs.readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
  return {
    exitCode: r.exitCode,
    output: r.all ?? '',
    calls: await lines(log),
    passwords: (await lines(`${log}.env`)).map(([name, pw]) => [name!, pw!]),
  };
}

const BASEBACKUP_ARGS = (pgdata: string) => [
  `--pgdata=${pgdata}`,
  '--host=db-primary',
  '--port=6543',
  '--username=repl',
  '--slot=slot_b',
  '--wal-method=stream',
  '--checkpoint=fast',
  '--write-recovery-conf',
  '--no-password',
];

test('an empty volume: waits for the primary, clones it with pg_basebackup -R as postgres, then starts', async () => {
  const pgdata = path.join(work, 'data');
  const r = await runEntrypoint({ REPLICATION_PASSWORD: PASSWORD });
  expect(r.exitCode).toBe(0);
  expect(r.calls).toEqual([
    ['chown', 'postgres:postgres', pgdata],
    ['pg_isready', '-q', '-t', '5', '-h', 'db-primary', '-p', '6543'],
    ['gosu', 'postgres', 'pg_basebackup', ...BASEBACKUP_ARGS(pgdata)],
    ['pg_basebackup', ...BASEBACKUP_ARGS(pgdata)],
    ['docker-entrypoint.sh', 'postgres', '-c', 'hot_standby=on'],
  ]);
  expect((await fs.stat(pgdata)).mode & 0o777).toBe(0o700);
  expect(existsSync(path.join(pgdata, 'standby.signal'))).toBe(true);
  expect(r.output).toMatch(/cloning db-primary:6543 as repl[\s\S]*base backup done/);

  // The password reaches pg_basebackup (through gosu) by its environment only; never an argv, never the output.
  expect(r.passwords).toEqual([
    ['chown', '<unset>'],
    ['pg_isready', '<unset>'],
    ['gosu', PASSWORD],
    ['pg_basebackup', PASSWORD],
    ['docker-entrypoint.sh', '<unset>'],
  ]);
  for (const call of r.calls) expect(call.join(' ')).not.toContain(PASSWORD);
  expect(r.output).not.toContain(PASSWORD);
});

test('a primary not ready yet: pg_isready is retried until it answers', async () => {
  const r = await runEntrypoint({ REPLICATION_PASSWORD: PASSWORD, STANDIN_ISREADY_FAILS: '2' });
  expect(r.exitCode).toBe(0);
  expect(r.calls.map((c) => c[0])).toEqual([
    'chown',
    'pg_isready',
    'sleep',
    'pg_isready',
    'sleep',
    'pg_isready',
    'gosu',
    'pg_basebackup',
    'docker-entrypoint.sh',
  ]);
  expect(r.output.match(/standby: waiting for the primary/g)).toHaveLength(2);
});

test('a primary that never answers: gives up after PRIMARY_WAIT_SECONDS with a clear message, clones nothing', async () => {
  const r = await runEntrypoint({
    REPLICATION_PASSWORD: PASSWORD,
    STANDIN_ISREADY_FAILS: '1000000',
    PRIMARY_WAIT_SECONDS: '0',
  });
  expect(r.exitCode).toBe(1);
  expect(r.output).toMatch(
    /standby: the primary db-primary:6543 did not accept connections within 0s\. Check that it is up and healthy .*raise PRIMARY_WAIT_SECONDS\./,
  );
  expect(r.calls.map((c) => c[0])).toEqual(['chown', 'pg_isready']);
});

test('a volume that already holds a cluster: no clone, straight to the image entrypoint with the same arguments', async () => {
  const pgdata = path.join(work, 'data');
  await fs.mkdir(pgdata);
  await fs.writeFile(path.join(pgdata, 'PG_VERSION'), '17\n');
  const r = await runEntrypoint({ REPLICATION_PASSWORD: PASSWORD }, ['postgres', '-c', 'hot_standby=on', '-c', 'x=1']);
  expect(r.exitCode).toBe(0);
  expect(r.calls).toEqual([['docker-entrypoint.sh', 'postgres', '-c', 'hot_standby=on', '-c', 'x=1']]);
  expect(r.output).toBe('');
});

test('an empty volume without REPLICATION_PASSWORD: a clear error before anything is created or called', async () => {
  const r = await runEntrypoint({});
  expect(r.exitCode).toBe(1);
  expect(r.output).toMatch(/standby: REPLICATION_PASSWORD is not set; the empty data folder cannot be cloned/);
  expect(r.calls).toEqual([]);
  expect(existsSync(path.join(work, 'data'))).toBe(false);
});

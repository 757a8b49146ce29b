// The docker-exec route for real, with a stand-in `docker` first on PATH: it turns
// `docker exec -i … <container> psql …` into the real psql against the local primary's Unix socket.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { locatePsql } from '../../src/writer/psql-locator';
import { type WriterEvent, WriterFallbackError, WriterService } from '../../src/writer/writer-service';
import {
  configWith,
  countLike,
  deadPort,
  primaryPort,
  rowOnPrimary,
  SAMPLES,
  socketDir,
  tableExists,
  urlWithPort,
} from './writer-helpers';

const CONTAINER = 'pg-primary-test';

// Records its arguments and whether PGPASSWORD arrived through the environment, then behaves like the Docker
// CLI would for a running container named $STANDIN_CONTAINER.
const STAND_IN = `#!/bin/bash
set -u
printf '%s\\n' "$@" > "$STANDIN_LOG.argv"
[ "\${1:-}" = exec ] || { echo "stand-in docker: only exec is supported" >&2; exit 125; }
shift
while [ $# -gt 0 ]; do
  case "$1" in
    -i) shift ;;
    -e) case "$2" in *=*) export "$2" ;; esac; shift 2 ;;
    -*) echo "stand-in docker: unsupported option $1" >&2; exit 125 ;;
    *) break ;;
  esac
done
container=$1; shift
printf '%s\\n' "$container" > "$STANDIN_LOG.container"
printf '%s\\n' "\${PGPASSWORD:-}" > "$STANDIN_LOG.password"
if [ "$container" != "$STANDIN_CONTAINER" ]; then
  echo "Error response from daemon: No such container: $container" >&2; exit 1
fi
[ "$1" = psql ] || { echo "OCI runtime exec failed: exec: \\"$1\\": executable file not found in \\$PATH" >&2; exit 127; }
shift
exec "$STANDIN_PSQL" -h "$STANDIN_PSQL_HOST" -p "$STANDIN_PSQL_PORT" "$@"
`;

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-docker-'));
  await fs.writeFile(path.join(dir, 'docker'), STAND_IN, { mode: 0o755 });
  env = {
    PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    STANDIN_LOG: path.join(dir, 'call'),
    STANDIN_CONTAINER: CONTAINER,
    STANDIN_PSQL: (await locatePsql()).file,
    STANDIN_PSQL_HOST: socketDir,
    STANDIN_PSQL_PORT: String(primaryPort),
  };
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writerFor(container: string, extra: Record<string, string> = {}, events: WriterEvent[] = []) {
  const config = configWith({
    DATABASE_URL: urlWithPort(await deadPort()),
    WRITER_FALLBACK: 'docker-exec',
    WRITER_DOCKER_CONTAINER: container,
    // Nothing answers here: only the docker route can reach the primary.
    WRITER_PSQL_HOST: '/nonexistent',
  });
  return new WriterService(config, { env: { ...env, ...extra }, onEvent: (e) => events.push(e) });
}

describe('docker exec -i <container> psql: values are stored byte for byte, read back by the returned id', () => {
  test.each(SAMPLES)('%s', async (_name, value) => {
    const events: WriterEvent[] = [];
    const writer = await writerFor(CONTAINER, {}, events);
    try {
      const result = await writer.write(value);
      expect(result.via).toBe('docker-exec');
      const row = await rowOnPrimary(result.id);
      expect(row).toBeDefined();
      // Compared as a boolean, so a 1 MB mismatch does not print two 1 MB strings.
      expect(row!.data === value).toBe(true);
      expect(row!.octets).toBe(Buffer.byteLength(value, 'utf8'));
    } finally {
      await writer.close();
    }
    expect(await tableExists()).toBe(true);
    expect(events).toEqual([{ event: 'writer_fallback', via: 'docker-exec', reason: expect.any(String) }]);
    expect((await fs.readFile(`${env.STANDIN_LOG}.container`, 'utf8')).trim()).toBe(CONTAINER);
    const argv = (await fs.readFile(`${env.STANDIN_LOG}.argv`, 'utf8')).trim().split('\n');
    expect(argv.slice(0, 2)).toEqual(['exec', '-i']);
    expect(argv).toEqual(expect.arrayContaining(['psql', '-U', 'rwsplit', '-d', 'rwsplit', '-f', '-']));
    // The password reached the container's psql through the environment, never through the command line.
    const password = (await fs.readFile(`${env.STANDIN_LOG}.password`, 'utf8')).trim();
    expect(password).toBe(new URL(urlWithPort(1)).password);
    expect(argv.join(' ')).not.toContain(password);
    // The value travelled on stdin only.
    if (value.length >= 8) expect(argv.join(' ')).not.toContain(value.slice(0, 20));
  });

  test('a marked value written through docker exec is the row with the returned id, and only that row', async () => {
    const writer = await writerFor(CONTAINER);
    const value = `docker-${randomUUID()} O'Brien \\ 👨‍👩‍👧`;
    try {
      const result = await writer.write(value);
      expect(result.via).toBe('docker-exec');
      expect(await rowOnPrimary(result.id)).toEqual({ data: value, octets: Buffer.byteLength(value, 'utf8') });
      expect(await countLike(value)).toBe(1);
    } finally {
      await writer.close();
    }
  });
});

test('an unknown container: the error carries the daemon message', async () => {
  const writer = await writerFor('no-such-container');
  try {
    const err = (await writer.write('x').catch((e: unknown) => e)) as WriterFallbackError;
    expect(err).toBeInstanceOf(WriterFallbackError);
    expect(err.via).toBe('docker-exec');
    expect(err.message).toMatch(/docker exec psql in container no-such-container failed.*No such container/);
  } finally {
    await writer.close();
  }
});

test('no docker executable on PATH: a clear error naming docker, with the connection error as cause', async () => {
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'rwsplit-nodocker-'));
  const writer = await writerFor(CONTAINER, { PATH: empty });
  try {
    const err = (await writer.write('x').catch((e: unknown) => e)) as WriterFallbackError;
    expect(err).toBeInstanceOf(WriterFallbackError);
    expect(err.message).toMatch(/docker executable was not found on PATH/);
    expect(err.cause).toMatchObject({ code: 'P1001' });
  } finally {
    await writer.close();
    await fs.rm(empty, { recursive: true, force: true });
  }
});

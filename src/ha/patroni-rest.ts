// Patroni's REST API (3.0.2): /cluster for the members as the DCS sees them (read by the library's
// readPatroniCluster, as the router's patroniTopology reads it), /switchover and /failover to move the leader,
// /config for the dynamic configuration (kept in the DCS, changed on a running cluster with PATCH). Every request
// has a timeout: a member whose Patroni hangs must not hang the caller.
import { type PatroniCluster, type PatroniMember, readPatroniCluster } from 'rwsplit';
import { z } from 'zod';

/** How long one REST request may take, in ms (a switchover answers once it is done: a few seconds). */
export const REST_TIMEOUT_MS = 3000;
/** POST /switchover and /failover wait for the new leader before answering. */
export const REST_ACTION_TIMEOUT_MS = 30_000;

/** The part of the dynamic configuration (GET /config) we read; Patroni keeps the rest as it is. */
const dynamicConfigSchema = z.looseObject({
  synchronous_mode: z.boolean().optional(),
  synchronous_mode_strict: z.boolean().optional(),
});

export type { PatroniCluster, PatroniMember };
export type PatroniDynamicConfig = z.infer<typeof dynamicConfigSchema>;

export class PatroniRestError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'PatroniRestError';
    this.status = status;
  }
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: string }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const why =
      cause instanceof Error && cause.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'refused';
    throw new PatroniRestError(`Patroni REST ${init.method ?? 'GET'} ${url}: ${why}`, undefined, { cause });
  }
  return { status: res.status, body: await res.text() };
}

/** GET /cluster from one member. */
export function fetchCluster(restUrl: string, timeoutMs = REST_TIMEOUT_MS): Promise<PatroniCluster> {
  return readCluster([restUrl], timeoutMs);
}

/** /cluster from the first member that answers; a clear error naming each when none does. */
export function fetchClusterFromAny(restUrls: readonly string[]): Promise<PatroniCluster> {
  return readCluster(restUrls, REST_TIMEOUT_MS);
}

/** The library's reader, its error (naming each member's failure) kept as the cause of a PatroniRestError. */
async function readCluster(restUrls: readonly string[], timeoutMs: number): Promise<PatroniCluster> {
  try {
    return await readPatroniCluster(restUrls, { requestTimeoutMs: timeoutMs });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new PatroniRestError(`No Patroni member answered /cluster: ${why}`, undefined, { cause });
  }
}

/** The HTTP status of GET <restUrl><path> (e.g. /primary, /health), or null when the member does not answer. */
export async function probe(restUrl: string, path: string): Promise<number | null> {
  return request(`${restUrl}${path}`, { method: 'GET' }, REST_TIMEOUT_MS).then(
    (r) => r.status,
    () => null,
  );
}

async function post(url: string, payload: Record<string, unknown>): Promise<string> {
  const { status, body } = await request(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
    REST_ACTION_TIMEOUT_MS,
  );
  // 200: done; 202: scheduled (only with `scheduled_at`, which we never send).
  if (status !== 200 && status !== 202) throw new PatroniRestError(`POST ${url} answered ${status}: ${body}`, status);
  return body;
}

/** POST /switchover: `leader` hands over to `candidate` (any healthy replica when omitted). */
export function postSwitchover(restUrl: string, leader: string, candidate?: string): Promise<string> {
  return post(`${restUrl}/switchover`, candidate ? { leader, candidate } : { leader });
}

/** POST /failover to `candidate` (works without a healthy leader, unlike a switchover). */
export function postFailover(restUrl: string, candidate: string): Promise<string> {
  return post(`${restUrl}/failover`, { candidate });
}

/**
 * POST /reinitialize on a replica: Patroni removes its data directory and clones it again from the leader. `force`
 * also interrupts a restart loop Patroni may be in for a PostgreSQL that cannot start.
 */
export function postReinitialize(restUrl: string): Promise<string> {
  return post(`${restUrl}/reinitialize`, { force: true });
}

/** GET /config: the cluster's dynamic configuration, as the DCS holds it. */
export async function fetchDynamicConfig(restUrl: string): Promise<PatroniDynamicConfig> {
  const { status, body } = await request(`${restUrl}/config`, { method: 'GET' }, REST_TIMEOUT_MS);
  if (status !== 200) throw new PatroniRestError(`GET ${restUrl}/config answered ${status}: ${body}`, status);
  return dynamicConfigSchema.parse(JSON.parse(body));
}

/**
 * PATCH /config: merges `patch` into the dynamic configuration in the DCS (every member applies it within one loop,
 * no restart). Resolves to the configuration Patroni stored. A 409 means another change landed in between: the
 * caller may send it again.
 */
export async function patchDynamicConfig(
  restUrl: string,
  patch: Record<string, unknown>,
): Promise<PatroniDynamicConfig> {
  const { status, body } = await request(
    `${restUrl}/config`,
    { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) },
    REST_TIMEOUT_MS,
  );
  if (status !== 200) throw new PatroniRestError(`PATCH ${restUrl}/config answered ${status}: ${body}`, status);
  return dynamicConfigSchema.parse(JSON.parse(body));
}

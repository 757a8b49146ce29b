// Patroni's `GET /cluster`: the members as the DCS sees them (name, role, state, host, port, timeline, lag, tags),
// read from the first member's REST API that answers, each request bounded by a timeout. patroniTopology builds
// the router's topology from it; tools (status pages, switchover scripts) read the same answer.
import { z } from 'zod';
import { ConfigError, TopologyUnavailableError } from '../errors';
import { maskUrl, shownValue } from '../postgres/postgres-url';

/** One member in Patroni's `/cluster` answer (3.x); fields Patroni leaves out for a member are optional. */
const patroniMemberSchema = z.object({
  name: z.string(),
  /** `leader`, `replica`, `sync_standby`, `standby_leader` (`master`/`primary` in older versions). */
  role: z.string(),
  /** `running`, `streaming`, `starting`, `stopped`, `creating replica`, `crashed`, …; '' when not reported (as Patroni). */
  state: z.string().default(''),
  host: z.string().optional(),
  port: z.number().int().optional(),
  timeline: z.number().int().optional(),
  /** Replicas only: bytes behind by the received position, or "unknown". */
  lag: z.union([z.number(), z.string()]).optional(),
  api_url: z.string().optional(),
  tags: z.record(z.string(), z.unknown()).optional(),
});

const patroniClusterSchema = z.object({
  members: z.array(patroniMemberSchema),
  scope: z.string().optional(),
});

export type PatroniMember = z.infer<typeof patroniMemberSchema>;
export type PatroniCluster = z.infer<typeof patroniClusterSchema>;

/** How long one REST request may take by default before the next member is asked, in ms. */
export const PATRONI_REQUEST_TIMEOUT_MS = 1000;

export interface ReadPatroniClusterOptions {
  /** How long one member's answer may take before the next one is asked, in ms. Default 1000. */
  readonly requestTimeoutMs?: number;
  /** What the caller calls the REST URLs in a ConfigError. Default `restUrls`. */
  readonly optionName?: string;
}

/**
 * Reads `GET /cluster` from the first of `restUrls` (each member's REST API base URL) that answers with a valid
 * answer, asking them in turn.
 * @throws ConfigError when `restUrls` is empty or holds a URL that is not http(s).
 * @throws TopologyUnavailableError naming each member's failure (refused, timed out, HTTP status, not a /cluster
 *   answer) when none answers.
 * @example const { members } = await readPatroniCluster(['http://10.0.0.1:8008', 'http://10.0.0.2:8008']);
 */
export async function readPatroniCluster(
  restUrls: readonly string[],
  options: ReadPatroniClusterOptions = {},
): Promise<PatroniCluster> {
  const bases = validateRestUrls(restUrls, options.optionName ?? 'restUrls');
  const timeoutMs = options.requestTimeoutMs ?? PATRONI_REQUEST_TIMEOUT_MS;
  const failures: string[] = [];
  for (const base of bases) {
    const url = new URL('cluster', base).toString();
    try {
      return await readOne(url, timeoutMs);
    } catch (err) {
      failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new TopologyUnavailableError(
    `No Patroni REST API answered GET /cluster (${failures.join('; ')}). Check that the members run and that ` +
      `the REST URLs (${bases.join(', ')}) reach their REST port.`,
  );
}

async function readOne(url: string, timeoutMs: number): Promise<PatroniCluster> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    // AbortSignal.timeout's DOMException (not always an Error of this realm, e.g. under a test runner's sandbox).
    const timedOut = typeof cause === 'object' && cause !== null && 'name' in cause && cause.name === 'TimeoutError';
    throw new Error(timedOut ? `no answer within ${timeoutMs} ms` : 'refused', { cause });
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200).trim()}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new Error(`not a Patroni /cluster answer: not JSON`, { cause });
  }
  const parsed = patroniClusterSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a Patroni /cluster answer: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Checks REST URLs (a non-empty list of http(s) URLs) and gives each a trailing slash, so `cluster` resolves under
 * any path prefix. `name` is what the caller calls them in the ConfigError.
 */
export function validateRestUrls(raw: unknown, name: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(`${name} must list every member's REST URL, e.g. ['http://10.0.0.1:8008'].`);
  }
  return raw.map((value: unknown, i) => {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch (cause) {
      throw new ConfigError(`${name}[${i}] is not a URL: "${shownValue(String(value))}".`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`${name}[${i}] must be http(s), got "${maskUrl(String(value))}" (${url.protocol}).`);
    }
    return url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`;
  });
}

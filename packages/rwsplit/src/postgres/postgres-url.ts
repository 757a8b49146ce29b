// Postgres URLs as rwsplit reads them: validated with a message that names where the URL came from, and shown
// with the password masked, control characters escaped and long values cut, so an error never leaks a secret or
// floods a log.
import { ConfigError } from '../errors';

const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);

/** Longest part of a bad value an error message repeats. */
const SHOWN_CHARS = 80;

const PLACEHOLDER = '//user:password@';
const EXPECTED_URL = `Expected postgresql:${PLACEHOLDER}host:port/database`;

/**
 * The URL with its password replaced by `***`, safe to print. Works on malformed input too: there everything
 * between `user:` and the last `@` is hidden, since a password may itself hold an `@`.
 */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Our own hint (EXPECTED_URL) is no secret: it stays readable.
    return raw.replace(/(\/\/[^:/@]*:).*@/s, (match, head: string) => (match === PLACEHOLDER ? match : `${head}***@`));
  }
}

/**
 * Text that may quote a connection string (a driver's error message), with every password in it masked: in
 * `postgres://user:password@…` URLs and in `password=…` key-value settings.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/postgres(?:ql)?:\/\/[^\s'"]+/gi, (url) => maskUrl(url))
    .replace(/(password\s*=\s*)('[^']*'|[^\s]+)/gi, '$1***');
}

/**
 * A bad value as an error message shows it: password masked, control characters (NUL, newlines) escaped, and
 * cut at 80 characters, so a 1 MB value gives a one-line message.
 */
export function shownValue(raw: string): string {
  const escaped = JSON.stringify(maskUrl(raw)).slice(1, -1);
  return escaped.length > SHOWN_CHARS ? `${escaped.slice(0, SHOWN_CHARS)}… (${raw.length} characters)` : escaped;
}

/**
 * Parses one postgres URL, naming where it came from (`where`, e.g. `replicaUrls[1]`) in the error.
 * @throws ConfigError for anything but `postgres://` / `postgresql://` with a host and a database.
 */
export function parsePostgresUrl(raw: unknown, where: string): URL {
  if (typeof raw !== 'string') {
    throw new ConfigError(`${where} must be a string, got ${raw === null ? 'null' : typeof raw}. ${EXPECTED_URL}`);
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(raw.trim())) {
    throw new ConfigError(
      `${where} contains a control character (NUL, tab or newline): "${shownValue(raw)}". ${EXPECTED_URL}`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch (cause) {
    throw new ConfigError(`${where} is not a valid URL: "${shownValue(raw)}". ${EXPECTED_URL}`, { cause });
  }
  if (!POSTGRES_PROTOCOLS.has(url.protocol)) {
    throw new ConfigError(
      `${where} is not a postgres URL: "${shownValue(raw)}" has protocol "${url.protocol}". ${EXPECTED_URL}`,
    );
  }
  if (!url.hostname) throw new ConfigError(`${where} has no host: "${shownValue(raw)}". ${EXPECTED_URL}`);
  if (url.pathname.length <= 1) {
    throw new ConfigError(`${where} names no database: "${shownValue(raw)}". Add /<database> after the host.`);
  }
  return url;
}

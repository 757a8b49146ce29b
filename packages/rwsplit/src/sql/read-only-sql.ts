// Whether raw SQL is safe on a replica, decided by PostgreSQL's own parser (libpg-query: the server's parser compiled
// to WebAssembly, loaded on first use). Read-only means: only SELECT, VALUES, SHOW or EXPLAIN statements, no
// data-modifying WITH clause, no SELECT INTO, no row locks (FOR UPDATE / SHARE), and no call of a function known to
// write or to act on the node it runs on (NOT_READ_ONLY_FUNCTIONS). Verdicts are cached per SQL text: Prisma sends
// parameters apart, so an application's raw queries repeat the same few texts.

/** What rwsplit decided about a statement: read-only, or not with the reason in words. */
export type SqlVerdict = { readonly readOnly: true } | { readonly readOnly: false; readonly reason: string };

/**
 * Functions that write, take locks, or depend on the node they run on, so a statement calling them must run on the
 * primary: sequences, advisory locks, NOTIFY, transaction ids, large objects, WAL and replication control.
 */
export const NOT_READ_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  'nextval',
  'setval',
  'lastval',
  'currval',
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_advisory_xact_lock',
  'pg_advisory_xact_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared',
  'pg_advisory_unlock',
  'pg_advisory_unlock_shared',
  'pg_advisory_unlock_all',
  'pg_notify',
  'txid_current',
  'pg_current_xact_id',
  'pg_current_wal_lsn',
  'pg_current_wal_insert_lsn',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot',
  'pg_drop_replication_slot',
  'pg_logical_emit_message',
  'lo_create',
  'lo_creat',
  'lo_import',
  'lo_export',
  'lo_unlink',
  'lo_put',
  'lo_from_bytea',
  'lo_truncate',
  'set_config',
  'dblink_exec',
]);

/** Top-level statements that only read. */
const READING_STATEMENTS = new Set(['SelectStmt', 'VariableShowStmt', 'ExplainStmt']);

/** Statements that change data, wherever they appear (a data-modifying WITH clause, EXPLAIN ANALYZE). */
const WRITING_STATEMENTS: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

const LOCK_STRENGTHS: Readonly<Record<string, string>> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

const READ_ONLY: SqlVerdict = Object.freeze({ readOnly: true });
const notReadOnly = (reason: string): SqlVerdict => ({ readOnly: false, reason });

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The verdict on a parse tree (libpg-query's JSON: `{ stmts: [{ stmt: { SelectStmt: … } }] }`). */
export function judgeParseTree(tree: unknown): SqlVerdict {
  const stmts = isNode(tree) && Array.isArray(tree.stmts) ? tree.stmts : [];
  if (stmts.length === 0) return notReadOnly('it holds no statement');
  for (const raw of stmts) {
    const stmt = isNode(raw) && isNode(raw.stmt) ? raw.stmt : {};
    const kind = Object.keys(stmt)[0] ?? 'unknown';
    if (!READING_STATEMENTS.has(kind)) return notReadOnly(describeStatement(kind));
    const found = findWrite(stmt[kind]);
    if (found) return notReadOnly(found);
  }
  return READ_ONLY;
}

function describeStatement(kind: string): string {
  const verb = WRITING_STATEMENTS[kind];
  if (verb) return `it writes (${verb})`;
  return `it is a ${kind.replace(/Stmt$/, '')} statement, not a query that only reads`;
}

/** The first thing under `node` that is not read-only, in words, or null. */
function findWrite(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findWrite(item);
      if (found) return found;
    }
    return null;
  }
  if (!isNode(node)) return null;
  for (const [key, value] of Object.entries(node)) {
    const verb = WRITING_STATEMENTS[key];
    if (verb) return `it writes (${verb} in a WITH clause or EXPLAIN ANALYZE)`;
    if (key === 'lockingClause' && Array.isArray(value) && value.length > 0) {
      const clause = isNode(value[0]) && isNode(value[0].LockingClause) ? value[0].LockingClause : {};
      const strength = LOCK_STRENGTHS[String(clause.strength)] ?? 'FOR UPDATE / SHARE';
      return `it takes row locks (${strength})`;
    }
    if (key === 'intoClause' && value) return 'it creates a table (SELECT INTO)';
    if (key === 'FuncCall' && isNode(value)) {
      const name = functionName(value);
      if (name && NOT_READ_ONLY_FUNCTIONS.has(name)) return `it calls ${name}(), which is not read-only`;
    }
    const found = findWrite(value);
    if (found) return found;
  }
  return null;
}

/** A function call's name without its schema (`pg_catalog.nextval` is `nextval`), lower-cased. */
function functionName(call: Node): string | null {
  const parts = Array.isArray(call.funcname) ? call.funcname : [];
  const last: unknown = parts[parts.length - 1];
  const sval = isNode(last) && isNode(last.String) ? last.String.sval : undefined;
  return typeof sval === 'string' ? sval.toLowerCase() : null;
}

type Parser = { parseSync(sql: string): unknown };
let loading: Promise<Parser> | undefined;

/** libpg-query, loaded once (its WebAssembly module initialises asynchronously). */
function parser(): Promise<Parser> {
  loading ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return m;
  });
  return loading;
}

/** How many SQL texts' verdicts are kept (the oldest go first). */
const CACHE_SIZE = 1000;

/** Classifies raw SQL, caching the verdict per text. */
export class ReadOnlySql {
  readonly #cache = new Map<string, SqlVerdict>();

  /** The verdict on `sql`: unparsable SQL is not read-only (the reason quotes the parser). */
  async verdict(sql: string): Promise<SqlVerdict> {
    const cached = this.#cache.get(sql);
    if (cached) return cached;
    const { parseSync } = await parser();
    let verdict: SqlVerdict;
    try {
      verdict = judgeParseTree(parseSync(sql));
    } catch (err) {
      verdict = notReadOnly(`PostgreSQL's parser could not read it (${err instanceof Error ? err.message : err})`);
    }
    if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(sql, verdict);
    return verdict;
  }
}

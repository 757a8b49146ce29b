// What judging raw SQL costs (option routeRawReads, and every `$replica()` raw query): PostgreSQL's parser on each
// statement of a small corpus, uncached (a text seen for the first time) and cached (every later call of the same
// text, which is what an application's raw queries are: Prisma sends parameters apart).
import { ReadOnlySql } from 'rwsplit';
import { formatSectionTable } from '../common/format-section-table';
import { numberCell } from '../common/number-cell';
import { summarize } from '../common/percentiles';
import { sqlParseCostSection } from './sql-parse-cost-section';

/** Raw statements of the kinds applications send, read-only and not. */
export const SQL_CORPUS: readonly string[] = [
  'SELECT id, email, name FROM rwtest_user WHERE id = $1',
  'SELECT u.id, count(p.id) FROM rwtest_user u LEFT JOIN rwtest_post p ON p."authorId" = u.id GROUP BY u.id ORDER BY 2 DESC LIMIT 20',
  'WITH recent AS (SELECT * FROM rwtest_post ORDER BY id DESC LIMIT 10) SELECT r.*, u.email FROM recent r JOIN rwtest_user u ON u.id = r."authorId"',
  'SELECT * FROM rwtest_user WHERE id = $1 FOR UPDATE',
  'INSERT INTO rwtest_user (email, name) VALUES ($1, $2) RETURNING id',
];

export interface ParseCost {
  readonly sql: string;
  readonly uncachedP50Us: number;
  readonly uncachedP99Us: number;
  readonly cachedP50Us: number;
}

/** Times `samples` fresh parses and `samples` cached verdicts of each corpus statement. */
export async function measureSqlParseCost(samples = 2000): Promise<ParseCost[]> {
  await new ReadOnlySql().verdict('SELECT 1'); // loads the parser
  const results: ParseCost[] = [];
  for (const sql of SQL_CORPUS) {
    const uncached: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A new classifier has an empty cache: each sample parses.
      const fresh = new ReadOnlySql();
      const t0 = performance.now();
      await fresh.verdict(sql);
      uncached.push(performance.now() - t0);
    }
    const shared = new ReadOnlySql();
    await shared.verdict(sql);
    const cached: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await shared.verdict(sql);
      cached.push(performance.now() - t0);
    }
    const u = summarize(uncached);
    results.push({
      sql,
      uncachedP50Us: u.p50Ms * 1000,
      uncachedP99Us: u.p99Ms * 1000,
      cachedP50Us: summarize(cached).p50Ms * 1000,
    });
  }
  return results;
}

const micros = numberCell((v) => v.toFixed(1));

/** The table `npm run bench:sql` prints: statements cut to 60 characters. */
export function formatSqlParseCost(costs: readonly ParseCost[]): string {
  return formatSectionTable(sqlParseCostSection(costs), {
    alignNumbers: true,
    format: {
      statement: (sql) => (typeof sql === 'string' && sql.length > 60 ? `${sql.slice(0, 57)}…` : String(sql)),
      'parse p50 µs': micros,
      'parse p99 µs': micros,
      'cached p50 µs': numberCell((v) => v.toFixed(2)),
    },
  });
}

import { loadConfig } from '../../src/config';
import { queryOnce } from '../../src/db/pg-client';
import { parseLsn } from 'rwsplit';
import { measureCommitToVisible } from '../../src/replication/commit-to-visible';

const config = loadConfig();

test.each(config.replicaUrls.map((url, i) => [`standby${i + 1}`, url]))(
  'commits on the primary become visible on %s; each sample has a finite time and the row is there',
  async (name, url) => {
    const marker = `ctv-${name}-${process.pid}-${Date.now()}`;
    const samples = await measureCommitToVisible({
      primary: config.primaryUrl,
      standby: url,
      standbyName: name,
      samples: 3,
      data: marker,
    });
    expect(samples).toHaveLength(3);
    expect(new Set(samples.map((s) => s.id)).size).toBe(3);
    for (const s of samples) {
      expect(s.standby).toBe(name);
      expect(s.visible).toBe(true);
      expect(Number.isFinite(s.visibleAfterMs)).toBe(true);
      expect(s.visibleAfterMs).toBeGreaterThanOrEqual(0);
      expect(s.writeMs).toBeGreaterThanOrEqual(0);
      expect(s.polls).toBeGreaterThanOrEqual(1);
      expect(() => parseLsn(s.lsn)).not.toThrow();
    }
    // The probes really were written, and only those: count them by their marker on the standby.
    const [row] = await queryOnce<{ n: number }>(
      url,
      'SELECT count(*)::int AS n FROM test_replication WHERE data = $1',
      [marker],
    );
    expect(row!.n).toBe(3);
  },
);

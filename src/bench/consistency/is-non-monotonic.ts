// Monotonic reads, judged from what one session's reads of the same row returned, in order: once a read returned
// the row, no later read of the session may return null (an older state, before the row existed).

/** What one read of the pair's row returned: the row, null, or an error (which tells nothing either way). */
export type RowSeen = 'found' | 'missing' | 'failed';

/** The session read the row, then a later read of it returned null. */
export function isNonMonotonic(reads: readonly RowSeen[]): boolean {
  let found = false;
  for (const seen of reads) {
    if (seen === 'found') found = true;
    else if (seen === 'missing' && found) return true;
  }
  return false;
}

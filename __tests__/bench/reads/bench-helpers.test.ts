// Pure helpers of the bench: progress over phases, list options, results folder names.
import { parseOptionText } from '../../../src/bench/common/bench-option';
import { SCALE_FLAGS } from '../../../src/bench/scale/scale-flags';
import { type ProgressEvent, ProgressTracker } from '../../../src/bench/common/progress-tracker';
import { folderTimestamp } from '../../../src/bench/common/write-results';

test('ProgressTracker: done counts over phases, capped per phase, finish reaches the total', () => {
  const events: ProgressEvent[] = [];
  const p = new ProgressTracker(
    [
      { name: 'one', units: 10 },
      { name: 'two', units: 5 },
    ],
    (e) => events.push(e),
  );
  expect(p.total).toBe(15);
  p.phase('one');
  p.advance(4);
  p.advance(100);
  p.phase('two');
  p.set(3);
  p.finish();
  expect(events.map((e) => `${e.phase}:${e.done}/${e.total}`)).toEqual([
    'one:0/15',
    'one:4/15',
    'one:10/15',
    'two:10/15',
    'two:13/15',
    'done:15/15',
  ]);
  expect(() => p.phase('three')).toThrow('not in the plan');
});

test('a whole-number list option parses comma-separated whole numbers and refuses anything else', () => {
  const rows = (text: string) => parseOptionText(SCALE_FLAGS.scaleRows, text);
  expect(rows('10000,100_000, 1000000')).toEqual([10_000, 100_000, 1_000_000]);
  expect(() => rows('10,,20')).toThrow('comma-separated');
  expect(() => rows('10,0')).toThrow('≥ 1');
  expect(() => rows('ten')).toThrow('whole number');
});

test('folderTimestamp is an ISO time without colons or milliseconds', () => {
  expect(folderTimestamp(new Date('2026-11-25T17:03:09.123Z'))).toBe('2026-11-25T17-03-09Z');
});

import { describe, expect, it } from 'vitest';
import type { ComponentResult } from '../src/engine/types.js';
import { clampedNote } from '../src/report/clamped-note.js';
import { renderReport } from '../src/report/html-report.js';

const component = (points: number | null): ComponentResult =>
  points === null
    ? { label: 'open', status: 'undetermined', points: null, range: [0, 2], alternative: null, missing: ['albumin'] }
    : { label: 'c', status: 'determined', points, range: [points, points], alternative: 'a' };

describe('clampedNote', () => {
  it('names the sum and the ceiling when the total is below the points', () => {
    expect(clampedNote({ score: 3, components: { a: component(2), b: component(1), c: component(1) } })).toBe('points sum to 4, capped at 3');
  });

  it('names the floor when the total is above the points', () => {
    expect(clampedNote({ score: 0, components: { a: component(-1) } })).toBe('points sum to -1, raised to 0');
  });

  it('says nothing when the points add up, the score is open, or a point is open', () => {
    expect(clampedNote({ score: 3, components: { a: component(2), b: component(1) } })).toBeUndefined();
    expect(clampedNote({ score: null, components: { a: component(2) } })).toBeUndefined();
    expect(clampedNote({ score: 3, components: { a: component(4), b: component(null) } })).toBeUndefined();
  });

  it('the HTML report shows the note beside the score, and the score element holds the score alone', () => {
    const html = renderReport({
      evaluation: {
        results: { nesms: { label: 'NESMS', score: 3, range: [3, 3], category: 'nesms_3', components: { a: component(2), b: component(1), c: component(1) }, missing: [] } },
        lesions: [], missing: [], warnings: [], trace: [], rulesets: [{ id: 'nesms', version: '1.2.0', sha256: '0'.repeat(64) }],
      },
    });
    expect(html).toContain('<strong data-score>3</strong> <span data-clamped>(points sum to 4, capped at 3)</span>');
  });
});

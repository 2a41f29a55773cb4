import { describe, expect, it } from 'vitest';
import { showChange, showValue } from '../src/cli/show-change.js';

const label = 'SRS with vertebral compression fracture risk factors (lytic lesion, spinal malalignment): keep below 16-18 Gy per fraction and consider preventive stabilization';

describe('showChange', () => {
  it('a late change in a long label stays visible (both sides used to print the same cut head)', () => {
    const shown = showChange(label, label.replace('and consider', 'and do not consider'), 80, 'absent');
    const [before, after] = shown.split(' -> ');
    expect(before).not.toBe(after);
    expect(after).toContain('do not consider');
    expect(before).toMatch(/^\.\.\./);
  });

  it('a changed dose inside a long citation is shown on both sides', () => {
    const shown = showChange(label, label.replace('16-18 Gy', '24-30 Gy'), 80, 'absent');
    expect(shown).toMatch(/16-18 Gy.* -> .*24-30 Gy/);
  });

  it('short values are shown whole, and undefined as the caller names it', () => {
    expect(showChange(7, 8, 80, 'absent')).toBe('7 -> 8');
    expect(showChange(undefined, 'x', 80, '(absent)')).toBe('(absent) -> "x"');
  });

  it('a long value added or removed entirely is shown whole against absent', () => {
    expect(showChange(undefined, label, 80, 'absent')).toBe(`absent -> ${JSON.stringify(label)}`);
  });
});

describe('showValue', () => {
  it('cuts a long value to the width', () => {
    expect(showValue(label, 40, 'absent')).toHaveLength(40);
    expect(showValue(undefined, 40, 'absent')).toBe('absent');
  });
});

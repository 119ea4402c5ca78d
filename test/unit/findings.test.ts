import { describe, expect, it } from 'vitest';
import { computeScore, type Finding } from '../../action-scan/src/findings.js';

const f = (status: Finding['status'], severity: Finding['severity'] = 'medium'): Finding => ({
  engine: 'openscap',
  ruleId: `r${Math.random()}`,
  title: 't',
  severity,
  status,
  cisIds: [],
});

describe('score', () => {
  it('is passed / (passed + failed) over selected, applicable, automated rules', () => {
    const s = computeScore([
      f('pass'),
      f('pass'),
      f('pass'),
      f('fail'),
      f('notapplicable'),
      f('notchecked'),
      f('notselected'),
      f('error'),
    ]);
    expect(s.score).toBe(75);
    expect(s.counts).toMatchObject({
      total: 7,
      passed: 3,
      failed: 1,
      errors: 1,
      notapplicable: 1,
      notchecked: 1,
    });
  });

  it('weights by severity: a failing high rule costs more than a failing low one', () => {
    const highFails = computeScore([f('pass', 'low'), f('fail', 'high')]);
    const lowFails = computeScore([f('pass', 'high'), f('fail', 'low')]);
    expect(highFails.score).toBe(50);
    expect(lowFails.score).toBe(50);
    expect(highFails.weightedScore).toBeCloseTo((100 * 2) / 12, 1);
    expect(lowFails.weightedScore).toBeCloseTo((100 * 10) / 12, 1);
  });

  it('is 0 with nothing scored, not NaN', () => {
    expect(computeScore([f('notapplicable')]).score).toBe(0);
  });
});

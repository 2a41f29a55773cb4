import { ruleSetHead } from './rule-set-head.js';

/**
 * A rule set looking ECOG up in a table keyed by numbers, good (0-1), fair (2) or poor (3-4), and dividing
 * it at 3 besides ("mostly in bed").
 */
export const ECOG_TABLE = `${ruleSetHead('perf', 'Performance looked up from ECOG.')}inputs:
  ecog: { type: integer, description: ECOG performance status., minimum: 0, maximum: 4 }
tables:
  performance:
    description: ECOG to performance.
    values: [good, fair, poor]
    reference: src
    rows: { "0": good, "1": good, "2": fair, "3": poor, "4": poor }
derived:
  status: { lookup: performance, key: ecog, description: Performance. }
classifications:
  - id: fitness
    label: Fitness
    reference: src
    alternatives:
      - { id: fit, label: Fit, when: { fact: status, operator: in, value: [good, fair] } }
      - { id: unfit, label: Unfit, when: { fact: status, operator: equal, value: poor } }
  - id: bedbound
    label: Mostly in bed
    reference: src
    alternatives:
      - { id: up, label: "ECOG 0-2", when: { fact: ecog, operator: lessThan, value: 3 } }
      - { id: down, label: "ECOG 3-4", when: { fact: ecog, operator: greaterThanInclusive, value: 3 } }
outputs:
  - { name: fitness, description: Fitness. }
  - { name: bedbound, description: Mostly in bed. }
`;

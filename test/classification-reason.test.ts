/**
 * A classification decided by every row that may hold, but not by one row: its value is given, and a
 * row's `text` (its reason) only when every such row gives it. The text report said "fails — Expected
 * survival of 3 months or less" for a surgical gate that failed on performance status or survival,
 * whichever the missing estimate was (QA pass, reports).
 */
import { describe, expect, it } from 'vitest';
import { evaluatePatient } from '../src/engine/evaluate-patient.js';
import { loadRuleSetSource } from '../src/ruleset/load-ruleset.js';
import { parseSource } from '../src/source/source-document.js';

const GATE = `id: gate
version: 1.0.0
title: Test gate
description: Fails for one of two reasons.
scope: patient
changelog:
  - { version: 1.0.0, date: "2026-12-07", changes: First version. }
references:
  src: { citation: Test source. }
inputs:
  srsAvailable: { type: boolean, description: First reason's input. }
  toleratesSurgery: { type: boolean, description: Second reason's input. }
classifications:
  - id: gate
    label: Gate
    reference: src
    alternatives:
      - { id: fails_first, value: fails, label: Fails, text: The first reason., when: { fact: srsAvailable, operator: equal, value: false } }
      - { id: fails_second, value: fails, label: Fails, text: The second reason., when: { all: [{ fact: srsAvailable, operator: equal, value: true }, { fact: toleratesSurgery, operator: equal, value: false }] } }
      - { id: passes, label: Passes, when: { all: [{ fact: srsAvailable, operator: equal, value: true }, { fact: toleratesSurgery, operator: equal, value: true }] } }
outputs:
  - { name: gate, description: The gate. }
`;

describe('the reason of a classification decided by several rows', () => {
  it('is left out when the rows that may hold give different reasons, and given when one row holds', async () => {
    const { ruleset, problems } = await loadRuleSetSource(parseSource(GATE, 'gate.yaml'));
    expect(problems).toEqual([]);
    if (!ruleset) throw new Error('the fixture does not load');
    const open = await evaluatePatient({ toleratesSurgery: false }, [ruleset], { trace: 'none' });
    expect(open.results.gate?.classifications?.gate).toMatchObject({ value: 'fails', alternative: null, possibleAlternatives: ['fails_first', 'fails_second'] });
    expect(open.results.gate?.classifications?.gate).not.toHaveProperty('text');
    const decided = await evaluatePatient({ toleratesSurgery: false, srsAvailable: true }, [ruleset], { trace: 'none' });
    expect(decided.results.gate?.classifications?.gate).toMatchObject({ value: 'fails', alternative: 'fails_second', text: 'The second reason.' });
  });
});

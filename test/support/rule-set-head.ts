/** The opening of a test rule set of patient scope: its identity, changelog and one reference, `src`. */
export const ruleSetHead = (id: string, description: string, requires: readonly string[] = []): string => `id: ${id}
version: 1.0.0
title: Test ${id}
description: ${description}
scope: patient
${requires.length ? `requires: [${requires.join(', ')}]\n` : ''}changelog:
  - { version: 1.0.0, date: "2026-12-06", changes: First version. }
references:
  src: { citation: Test source. }
`;

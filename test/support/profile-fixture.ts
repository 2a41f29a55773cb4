import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A profile written in `dir` as `<name>.profile.yaml`: `appliesTo` one YAML line (`sins: "1.x"`), `change`
 * its changes as YAML list lines, citing the reference `board` it declares.
 */
export function writeProfile(dir: string, name: string, appliesTo: string, change: string): string {
  const file = join(dir, `${name}.profile.yaml`);
  writeFileSync(
    file,
    [`profile: ${name}`, 'version: 1.0.0', `title: ${name}`, 'institution: Test hospital', 'references:', '  board:', '    citation: Board minutes.', 'appliesTo:', `  ${appliesTo}`, 'changes:', change].join('\n') + '\n',
  );
  return file;
}

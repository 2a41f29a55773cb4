import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** A log line of the service (pino JSON): the fields tests read. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ServeProcess {
  process: ChildProcess;
  /** Where it listens, as its log says (`http://127.0.0.1:40123`). */
  origin: string;
  /** Every log line so far; more arrive while it runs. */
  logs: LogLine[];
  stderr: () => string;
  /** The first log line (already written or still to come) that passes the test. */
  seen: (test: (line: LogLine) => boolean) => Promise<LogLine>;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** `spinemets serve --port 0 ...args` as an operator starts it, once it listens. */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let running = true;
  // 'close', not 'exit': by then every line it wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => { running = false; resolve(code); }));
  createInterface({ input: child.stdout }).on('line', (line) => logs.push(JSON.parse(line) as LogLine));
  const seen = (test: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve, reject) => {
      void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      const check = () => {
        const hit = logs.find(test);
        if (hit) resolve(hit);
        else if (running) setTimeout(check, 20);
      };
      check();
    });
  const listening = await seen((l) => l.msg.startsWith('Server listening at '));
  return {
    process: child,
    origin: listening.msg.slice('Server listening at '.length),
    logs,
    stderr: () => stderr,
    seen,
    stop: (signal = 'SIGTERM') => {
      if (running) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `use` against `spinemets serve --port 0 ...args`, then stops it with SIGTERM, which must end it with 0. */
export async function withServe(args: string[], use: (serve: ServeProcess) => Promise<void>): Promise<void> {
  const serve = await startServe(args);
  try {
    await use(serve);
  } finally {
    expect(await serve.stop()).toBe(0);
  }
}

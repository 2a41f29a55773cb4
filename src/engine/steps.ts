/**
 * The engine runs synchronously when every rule is compiled, and waits only where json-rules-engine
 * (asynchronous by design) evaluates a rule. Its functions are generators that yield nothing but the
 * promises they wait on, so one body serves both: `runSteps` awaits only what is yielded, and an
 * evaluation on compiled rules yields nothing.
 */
export type Steps<T> = Generator<Promise<unknown>, T, unknown>;

/** A value that may be a promise, as a step: yields (to be awaited) only when it is one. */
export function* settled<T>(value: T | Promise<T>): Steps<T> {
  return value instanceof Promise ? ((yield value) as T) : value;
}

export async function runSteps<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) step = steps.next(await step.value);
  return step.value;
}


/** How a long-running command waits for Ctrl-C or SIGTERM before it shuts down cleanly. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves with the first of SIGINT and SIGTERM; the second one after it gets Node's default
 * (the process ends), so an operator pressing Ctrl-C twice is not ignored. `keepAlive` is for
 * commands whose servers are detached children: nothing else would keep the process running.
 */
export function untilSignal(options: { keepAlive?: boolean } = {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const keepAlive = options.keepAlive ? setInterval(() => undefined, 60_000) : undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      clearInterval(keepAlive);
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  });
}

/** Steady requests to a URL (two loops, 20 ms apart), so the router's metrics have traffic to measure. */
export function startLoad(url: string): { stop(): Promise<void> } {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await fetch(url, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = [loop(), loop()];
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

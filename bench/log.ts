/** Progress goes to stderr: stdout carries only the final JSON object. */
const t0 = Date.now();
export function log(line: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
}

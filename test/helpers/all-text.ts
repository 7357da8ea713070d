/**
 * Every string and every byte array in an object tree, as text: what anyone reading the
 * database (or holding the codec) could see. Bytes as latin1, so no byte sequence is lost.
 */
export function allText(node: unknown, seen = new Set<unknown>()): string {
  if (node instanceof Uint8Array) return Buffer.from(node).toString('latin1');
  if (typeof node === 'string') return node;
  if (!node || typeof node !== 'object' || seen.has(node)) return '';
  seen.add(node);
  return Object.values(node)
    .map((v) => allText(v, seen))
    .join('\n');
}

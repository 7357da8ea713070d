/**
 * `genie audit verify`: is this export exactly what was exported? The hash chain locates
 * the first edited, removed, reordered or inserted record; the seal's Ed25519 signature
 * proves who exported it (pin the expected key with --pubkey).
 */
import { firstBreak, type ChainProblem } from './chain';
import { fingerprint, verifyText } from './keys';
import { AUDIT_FORMAT } from './export';

export interface Verification {
  ok: boolean;
  records: number;
  keyFingerprint?: string;
  workflowId?: string;
  problem?: ChainProblem;
}

export function verifyExport(text: string, trustedPublicKey?: string): Verification {
  const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const problem = firstBreak(lines);
  if (problem) return { ok: false, records: lines.length, problem };
  const header = JSON.parse(lines[0] ?? '{}') as { type?: string; format?: string; workflowId?: string };
  if (header.type !== 'header' || header.format !== AUDIT_FORMAT) {
    return { ok: false, records: lines.length, problem: { line: 1, reason: `not a ${AUDIT_FORMAT} export header` } };
  }
  const seal = JSON.parse(lines[lines.length - 1]) as { type?: string; records?: number; publicKey?: string; signature?: string; prev?: string };
  const sealLine = lines.length;
  const fail = (reason: string): Verification => ({ ok: false, records: lines.length, workflowId: header.workflowId, problem: { line: sealLine, reason } });
  if (seal.type !== 'seal' || !seal.publicKey || !seal.signature || !seal.prev) return fail('the export is not sealed (records were cut off at the end)');
  if (seal.records !== lines.length - 1) return fail(`the seal covers ${seal.records} records, the file has ${lines.length - 1}`);
  if (!verifyText(seal.publicKey, seal.prev, seal.signature)) return fail('the signature does not match the records');
  if (trustedPublicKey && trustedPublicKey !== seal.publicKey)
    return fail(`signed by ${fingerprint(seal.publicKey)}, not by the trusted key ${fingerprint(trustedPublicKey)}`);
  return { ok: true, records: lines.length, keyFingerprint: fingerprint(seal.publicKey), workflowId: header.workflowId };
}

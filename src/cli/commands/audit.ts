/** genie audit export | verify: a signed, hash-chained record of a run that anyone can check. */
import * as fs from 'node:fs';
import { exportRun } from '../../audit/export';
import { defaultKeyFile, loadOrCreateKey, readPublicKey } from '../../audit/keys';
import { quietReplayLogs, travel } from '../../audit/time-travel';
import { renderTimeline } from '../../audit/timeline-html';
import { verifyExport } from '../../audit/verify';
import { decodeHistory } from '../../temporal/codec/decode-history';
import { projectHistory } from '../../temporal/history';
import { withClient } from '../client';
import { isStdin, readInput, STDIN_NAME } from '../input';
import type { Command, Values } from '../command';
import { currentUser } from '../identity';
import { EXIT, type Output, UsageError } from '../output';

/** An export holds every event of a run: far more than a runbook, so stdin (-) gets a larger cap. */
const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

export const command: Command = {
  name: 'audit',
  summary: 'Export a run as signed, hash-chained JSON Lines, verify such an export, or render its HTML timeline.',
  usage:
    'genie audit export <id> [--out FILE] [--key KEYFILE] [--as WHO] | genie audit verify <file> [--pubkey FILE] [--json] | genie audit timeline <id> [--out FILE.html]',
  details: [
    '  export   every history event as a readable record (secrets masked), each with the SHA-256 of the one before,',
    // Not defaultKeyFile() itself: this text is also docs/cli.md, the same on every machine.
    '           sealed with an Ed25519 signature (key: --key, default $GENIE_STATE_DIR/audit-ed25519.pem, created once, mode 0600)',
    '  verify   exit 0 when intact; exit 1 naming the first edited, removed, reordered or inserted record',
    '  --pubkey the exporter public key you trust (PEM, or the base64 the export carries); without it any valid signer passes',
    '  timeline an HTML report of the run: a bar per step, every decision and override, the event timeline',
  ],
  options: {
    out: { type: 'string', short: 'o', help: 'write to FILE instead of stdout' },
    key: { type: 'string', help: 'the Ed25519 key that signs the export (default $GENIE_STATE_DIR/audit-ed25519.pem, created once)' },
    as: { type: 'string', help: 'who exports (default $GENIE_USER or your login)' },
    pubkey: { type: 'string', help: 'the exporter public key you trust (PEM, or the base64 the export carries)' },
    json: { type: 'boolean', help: 'the verdict as JSON' },
  },
  subcommands: [
    {
      name: 'export',
      summary: 'Every history event of a run as signed, hash-chained JSON Lines (secrets masked).',
      usage: 'genie audit export <id> [--out FILE] [--key KEYFILE] [--as WHO]',
      options: {},
      run: exportAudit,
    },
    {
      name: 'verify',
      summary: 'Check an export: exit 0 when intact, 1 naming the first edited, removed, reordered or inserted record.',
      usage: 'genie audit verify <file|-> [--pubkey FILE] [--json]',
      options: {},
      run: verifyAudit,
    },
    {
      name: 'timeline',
      summary: 'An HTML report of a run: a bar per step, every decision and override, the event timeline.',
      usage: 'genie audit timeline <id> [--out FILE.html]',
      options: {},
      run: timeline,
    },
  ],
};

async function exportAudit(values: Values, [target]: string[], out: Output): Promise<number> {
  if (!target) throw new UsageError('name the run: genie audit export <id>');
  const key = loadOrCreateKey((values.key as string | undefined) ?? defaultKeyFile());
  return withClient(async (client) => {
    const handle = client.workflow.getHandle(target);
    const history = await handle.fetchHistory().catch((err: Error) => {
      throw new UsageError(`cannot read the history of ${target}: ${err.message}`, EXIT.failed);
    });
    const runId = (await handle.describe()).runId;
    const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
    const events = await decodeHistory(history.events ?? [], payloadCodecs);
    const text = exportRun(events, payloadConverter, { workflowId: target, runId, exportedBy: currentUser(values.as as string | undefined) }, key);
    if (values.out) {
      fs.writeFileSync(values.out as string, text);
      out.print(`${text.split('\n').length - 1} records written to ${values.out as string}`);
    } else out.stdout.write(text);
    return EXIT.ok;
  });
}

async function verifyAudit(values: Values, [target]: string[], out: Output): Promise<number> {
  if (!target) throw new UsageError('name the export file: genie audit verify <file>');
  const text = await readInput(target, out, MAX_EXPORT_BYTES);
  const result = verifyExport(text, values.pubkey ? readPublicKey(values.pubkey as string) : undefined);
  if (values.json) out.printJson(result);
  else if (result.ok) out.print(`ok: ${result.records} records of ${result.workflowId} intact, signed by ${result.keyFingerprint}`);
  else out.print(`TAMPERED: ${isStdin(target) ? STDIN_NAME : target}:${result.problem!.line}: record ${result.problem!.line} ${result.problem!.reason}`);
  return result.ok ? EXIT.ok : EXIT.failed;
}

async function timeline(values: Values, [target]: string[], out: Output): Promise<number> {
  if (!target) throw new UsageError('name the run: genie audit timeline <id> --out run.html');
  quietReplayLogs();
  return withClient(async (client) => {
    const history = await client.workflow
      .getHandle(target)
      .fetchHistory()
      .catch((err: Error) => {
        throw new UsageError(`cannot read the history of ${target}: ${err.message}`, EXIT.failed);
      });
    const events = history.events ?? [];
    // The state at the last event, by replay: the same for a finished run and one still going, with or without a worker.
    const { state } = await travel(target, events);
    if (!state) throw new UsageError(`${target} has no state to show yet`, EXIT.failed);
    const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
    const html = renderTimeline(target, state, projectHistory(await decodeHistory(events, payloadCodecs), payloadConverter));
    if (values.out) {
      fs.writeFileSync(values.out as string, html);
      out.print(`timeline of ${target} written to ${values.out as string}`);
    } else out.stdout.write(html);
    return EXIT.ok;
  });
}

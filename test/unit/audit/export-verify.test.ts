/**
 * Audit export and verification on recorded histories: an intact export verifies; any
 * edited, removed, reordered or inserted record is found, at its line; a seal from another
 * key passes only when no key is pinned.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { exportRun } from '../../../src/audit/export';
import { publicKeyText } from '../../../src/audit/keys';
import { verifyExport } from '../../../src/audit/verify';
import { projectRoot } from '../../../src/paths';

const fixture = (name: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'histories', `${name}.json`), 'utf8'))).events ?? [];

describe('audit export and verify', () => {
  const key = generateKeyPairSync('ed25519').privateKey;
  const events = fixture('incident-triage-approved');
  const text = exportRun(
    events,
    defaultPayloadConverter,
    { workflowId: 'incident-triage-approved', exportedBy: 'auditor', exportedAt: '2026-11-26T00:00:00.000Z' },
    key,
  );
  const lines = text.trimEnd().split('\n');
  const rejoin = (ls: string[]) => ls.join('\n') + '\n';

  it('writes a header, one readable record per history event, and a seal', () => {
    assert.equal(lines.length, events.length + 2);
    const header = JSON.parse(lines[0]);
    assert.deepEqual([header.type, header.format, header.workflowId, header.events], ['header', 'genie-audit/1', 'incident-triage-approved', events.length]);
    const records = lines.slice(1, -1).map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((r) => r.eventId),
      events.map((e) => Number(e.eventId)),
    );
    assert.equal(records[0].eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    const override = records.find((r) => r.kind === 'override');
    assert.match(override.text, /approve by oncall — host looks fine, go/);
    const step = records.find((r) => r.kind === 'step.started' && r.data.action === 'command.run');
    assert.deepEqual(step.data.args, { command: 'uptime', args: [], timeout: '60s' });
    assert.equal(JSON.parse(lines[lines.length - 1]).type, 'seal');
  });

  it('is byte-for-byte reproducible for the same history, key and time', () => {
    const again = exportRun(
      events,
      defaultPayloadConverter,
      { workflowId: 'incident-triage-approved', exportedBy: 'auditor', exportedAt: '2026-11-26T00:00:00.000Z' },
      key,
    );
    assert.equal(again, text);
  });

  it('verifies an intact export, and with the exporter key pinned', () => {
    const result = verifyExport(text, publicKeyText(key));
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.equal(result.records, lines.length);
    assert.match(result.keyFingerprint!, /^SHA256:/);
  });

  it('names the first edited record', () => {
    const edited = [...lines];
    edited[7] = edited[7].replace(/"eventId":\d+/, '"eventId":999');
    assert.deepEqual(verifyExport(rejoin(edited)).problem?.line, 8);
    assert.match(verifyExport(rejoin(edited)).problem!.reason, /changed/);
  });

  it('names where a record was removed, reordered or inserted', () => {
    const removed = lines.filter((_, i) => i !== 5);
    assert.equal(verifyExport(rejoin(removed)).problem?.line, 6);
    const swapped = [...lines];
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    assert.equal(verifyExport(rejoin(swapped)).problem?.line, 11);
    const inserted = [...lines.slice(0, 4), lines[3], ...lines.slice(4)];
    assert.equal(verifyExport(rejoin(inserted)).problem?.line, 5);
  });

  it('refuses an export whose end was cut off, or a seal over a different body', () => {
    assert.match(verifyExport(rejoin(lines.slice(0, -1))).problem!.reason, /not sealed/);
    const other = exportRun(events.slice(0, 10), defaultPayloadConverter, { workflowId: 'x', exportedBy: 'x' }, key).trimEnd().split('\n');
    assert.equal(verifyExport(rejoin([...lines.slice(0, -1), other[other.length - 1]])).ok, false);
  });

  it('a re-signed forgery passes only without a pinned key', () => {
    const forger = generateKeyPairSync('ed25519').privateKey;
    const forged = exportRun(events, defaultPayloadConverter, { workflowId: 'incident-triage-approved', exportedBy: 'auditor' }, forger);
    assert.equal(verifyExport(forged).ok, true);
    const pinned = verifyExport(forged, publicKeyText(key));
    assert.equal(pinned.ok, false);
    assert.match(pinned.problem!.reason, /not by the trusted key/);
  });
});

/** The HTML timeline of a recorded run: every step as a bar, the decisions with who and why, nothing unescaped. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { travel } from '../../../src/audit/time-travel';
import { escapeHtml, renderTimeline } from '../../../src/audit/timeline-html';
import { projectRoot } from '../../../src/paths';
import { projectHistory } from '../../../src/temporal/history';

describe('audit timeline (HTML)', function () {
  this.timeout(60_000);

  it('shows each step as a bar, the approval with who and why, and the event timeline', async () => {
    const raw = JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'histories', 'incident-triage-approved.json'), 'utf8'));
    const events = historyFromJSON(raw).events ?? [];
    const { state } = await travel('incident-triage-approved', events);
    const html = renderTimeline('incident-triage-approved', state!, projectHistory(events, defaultPayloadConverter));
    for (const id of ['probe', 'health', 'decide', 'remediate', 'notify']) assert.match(html, new RegExp(`<div class="name"[^>]*>${id}</div>`));
    assert.equal((html.match(/class="bar"/g) ?? []).length, state!.steps.length);
    assert.match(html, /<td>approve<\/td><td>oncall<\/td><td><\/td><td>host looks fine, go<\/td><td>accepted<\/td>/);
    assert.match(html, /incident-triage v1\.0\.0 <span class="status">succeeded<\/span>/);
    fs.mkdirSync(path.join(projectRoot, 'test-output'), { recursive: true });
    fs.writeFileSync(path.join(projectRoot, 'test-output', 'timeline.html'), html);
  });

  it('escapes everything that came from a run', () => {
    assert.equal(escapeHtml('<script>alert("x")</script> & \''), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;');
    const html = renderTimeline(
      'w',
      {
        status: 'failed',
        paused: false,
        requestedBy: '<img src=x onerror=alert(1)>',
        startedAt: '2026-01-01T00:00:00Z',
        params: {},
        steps: [
          {
            id: 's',
            stepId: 's',
            kind: 'action',
            status: 'failed',
            attempts: 1,
            startedAt: '2026-01-01T00:00:00Z',
            endedAt: '2026-01-01T00:00:01Z',
            error: { code: 'X', message: '<b>boom</b>' },
          },
        ],
        pendingApprovals: [],
        awaitingDecision: [],
        overrides: [],
      },
      [],
    );
    assert.ok(!html.includes('<img src=x'), 'requester not escaped');
    assert.ok(!html.includes('<b>boom</b>'), 'error not escaped');
  });
});

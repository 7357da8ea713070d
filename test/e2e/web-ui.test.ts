/**
 * The newcomer path in a real browser: `genie up`, then the Temporal Web UI's Start Workflow
 * form (type runbook, task queue, input {"runbook":"hello",...}); the run completes, is found
 * by the RunbookName search attribute, and its timeline names each step.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../src/paths';
import { launchBrowser } from '../helpers/browser';
import { freePort } from '../helpers/ports';
import { spawnGenie, waitForOutput, type Spawned } from '../helpers/processes';

const SCREENSHOTS = path.join(projectRoot, 'test-output', 'web-ui');

describe('Temporal Web UI: start a runbook from the form (headless Chromium, genie up)', function () {
  this.timeout(180_000);
  let stateDir: string;
  let up: Spawned;
  let browser: Browser;
  let page: Page;
  let ui: string;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-ui-'));
    const [grpc, uiPort] = [await freePort(), await freePort()];
    ui = `http://localhost:${uiPort}`;
    up = spawnGenie(['up'], { GENIE_STATE_DIR: stateDir, GENIE_TEMPORAL_PORT: String(grpc), GENIE_UI_PORT: String(uiPort), TEMPORAL_ADDRESS: '' });
    await waitForOutput(up, /Ctrl-C stops everything/, 90_000);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    up?.child.kill('SIGINT');
    await up?.exited;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts hello from the Start Workflow form and shows it completed, with its steps', async () => {
    const id = `ui-hello-${Date.now()}`;
    await page.goto(`${ui}/namespaces/default/workflows/start-workflow`, { waitUntil: 'networkidle' });
    await page.fill('#workflowId', id);
    await page.fill('#taskQueue', 'genie');
    await page.fill('#workflowType', 'runbook');
    await page.locator('.cm-content').first().click();
    // The hello runbook probes the UI; this UI is on a test port, so say where.
    await page.keyboard.type(JSON.stringify({ runbook: 'hello', params: { uiUrl: ui } }));
    await page.getByText('Task Queue is Active').waitFor({ timeout: 30_000 });
    // The form takes the editor's text when it loses focus.
    await page.locator('h1').first().click();
    await page.screenshot({ path: path.join(SCREENSHOTS, '1-start-form.png') });
    const started = page.waitForResponse((r) => r.url().includes(`/workflows/${id}`) && r.request().method() === 'POST');
    await page.getByTestId('start-workflow-button').click();
    assert.equal((await started).status(), 200);

    // The list, filtered by Genie's search attribute, shows the run completed.
    const query = encodeURIComponent('RunbookName="hello"');
    let listed = '';
    for (let i = 0; i < 30 && !/COMPLETED/.test(listed); i++) {
      await page.goto(`${ui}/namespaces/default/workflows?query=${query}`, { waitUntil: 'networkidle' });
      listed = await page.locator('main').innerText();
      if (!listed.includes(id) || !/COMPLETED/.test(listed)) await page.waitForTimeout(500);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, '2-list-by-runbook-name.png') });
    assert.ok(listed.includes(id), `run ${id} not in the list filtered by RunbookName`);
    assert.match(listed, /COMPLETED/);

    await page.goto(`${ui}/namespaces/default/workflows/${id}`, { waitUntil: 'networkidle' });
    await page.getByText('greet: Say hello').first().waitFor({ timeout: 20_000 });
    const detail = await page.locator('main').innerText();
    await page.screenshot({ path: path.join(SCREENSHOTS, '3-run.png'), fullPage: true });
    assert.match(detail, /"runbook": "hello"/, 'the input is shown');
    assert.match(detail, /"status": "succeeded"/, 'the result is shown');
    assert.match(detail, /ui: Check the Temporal Web UI answers/, 'the timeline names the second step');
  });
});

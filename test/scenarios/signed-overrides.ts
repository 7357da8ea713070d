/**
 * incident-triage under an access policy: operator overrides go through the signed path. An
 * unsigned approval is refused (and recorded), then a signed pause, a signed resume and a
 * signed approval are checked against the policy and applied. The signing key is made for
 * this recording and thrown away: history holds signatures and public names, never the key.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawPublicKey } from '../../src/policy/keys';
import { signOverride, type SigningKey } from '../../src/policy/sign';
import { overrideUpdates, type OverrideArgs, type OverrideName } from '../../workflows/api';
import { startInline, waitForState } from '../helpers/runbooks';
import { expectStatus, withEnv, type Scenario } from './scenario';

export const signedOverrides: Scenario = {
  name: 'incident-triage-signed',
  async run(env, queue, targets) {
    const pair = crypto.generateKeyPairSync('ed25519');
    const key: SigningKey = { alg: 'ed25519', key: pair.privateKey };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-record-policy-'));
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(
      policy,
      [
        'identities:',
        `  oncall: { publicKey: "${rawPublicKey(pair.publicKey)}", roles: [sre] }`,
        'roles:',
        '  sre:',
        '    - { actions: [approve, reject, abort, pause, resume], kinds: [incident] }',
        // Even holding a run must be signed here, so that pause and resume take the signed path too.
        'unsigned: { pause: false, resume: false }',
      ].join('\n'),
    );
    try {
      return await withEnv({ GENIE_POLICY: policy }, async () => {
        const h = await startInline(env, queue, 'incident-triage', {
          workflowId: 'incident-triage-signed',
          params: { serviceUrl: `${targets.url}/health`, webhookUrl: `${targets.url}/hook`, remediation: { command: 'uptime', args: [] } },
        });
        const send = (name: OverrideName, args: OverrideArgs) => h.executeUpdate(overrideUpdates[name], { args: [args] });
        const signed = (name: OverrideName, args: OverrideArgs): OverrideArgs => ({
          ...args,
          auth: signOverride(key, name, h.workflowId, args as unknown as Record<string, unknown>, { keyId: args.by, runId: h.firstExecutionRunId }),
        });
        await waitForState(h, (s) => s.pendingApprovals.length === 1);
        const refused = await send('approve', { by: 'oncall', reason: 'unsigned' }).then(
          () => false,
          () => true,
        );
        if (!refused) throw new Error('incident-triage-signed: the policy let an unsigned approval through');
        await send('pause', signed('pause', { by: 'oncall', reason: 'checking the dashboards first' }));
        await send('resume', signed('resume', { by: 'oncall', reason: 'dashboards are fine' }));
        await send('approve', signed('approve', { by: 'oncall', reason: 'host looks fine, go' }));
        const result = expectStatus('incident-triage-signed', await h.result(), 'succeeded');
        const accepted = result.overrides.filter((o) => o.accepted).map((o) => o.action);
        if (accepted.join() !== 'pause,resume,approve') throw new Error(`incident-triage-signed: accepted overrides were ${accepted.join()}`);
        return { workflowId: h.workflowId, result };
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

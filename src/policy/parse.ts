/**
 * Reading an access policy (YAML or JSON):
 *
 *   maxAge: 5m                       # how old a signed request may be
 *   identities:
 *     alice: { publicKey: "MCowBQYDK2VwAyEA...", roles: [sre] }
 *     deploy-bot: { hmac: "secret://deploy_bot_hmac", roles: [deployer] }
 *   roles:
 *     sre:
 *       - { actions: [approve, reject, abort, pause, resume, skip, retry], kinds: ["*"] }
 *       - { actions: [breaker.force], names: ["https://*.internal"] }
 *     deployer:
 *       - { actions: [promote, forceCheck], kinds: [canary], names: ["checkout-*"] }
 *   unsigned: { pause: true, resume: true, abort: false }
 *   start:                           # who may start what (roles grant it with actions: [start])
 *     inline: false                  # runs from inline definitions (genie run <file>); default false
 *     unsigned:                      # runbooks anyone may start unsigned; default: all but kinds failover, chaos
 *       - { kinds: [generic], labels: { purpose: smoke } }
 *     unverifiedRequester: counts    # counts: an unsigned start's named requester may not approve it (default); ignored
 *
 * Every problem is reported at once, each as file:line:col with what to write instead.
 */
import { parseSource, type ParsedSource, type PathSegment } from '../dsl/parse';
import { parseDuration } from '../dsl/duration';
import { closest } from '../dsl/suggest';
import { OVERRIDE_NAMES } from '../../workflows/api';
import { isSecretName } from '../secrets/provider';
import { PolicyError } from './errors';
import { parsePublicKey } from './keys';
import { DEFAULT_MAX_AGE_MS, UNSIGNED_BY_DEFAULT, type Identity, type Policy, type Rule } from './types';

/** Every action a policy may name: the run overrides, and forcing circuit breakers. */
export const POLICY_ACTIONS: readonly string[] = [...OVERRIDE_NAMES, 'breaker.force'];
/** What a role's rule may grant: the policy actions, and starting runs. */
const RULE_ACTIONS: readonly string[] = [...POLICY_ACTIONS, 'start'];
const START_FIELDS: readonly string[] = ['inline', 'unsigned', 'unverifiedRequester'];
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function parsePolicy(text: string, file: string): Policy {
  const source = parseSource(text, file);
  if (source.diagnostics.length > 0)
    throw new PolicyError(
      file,
      source.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`),
    );
  return new PolicyReader(source).read();
}

class PolicyReader {
  private readonly problems: string[] = [];

  constructor(private readonly source: ParsedSource) {}

  private problem(path: PathSegment[], message: string, target: 'key' | 'value' = 'value'): void {
    const at = this.source.position(path, target);
    this.problems.push(`${this.source.file}:${at.line}:${at.col}: ${message}`);
  }

  read(): Policy {
    const doc = this.source.value;
    const policy: Policy = {
      file: this.source.file,
      identities: new Map(),
      roles: new Map(),
      unsigned: new Map(),
      maxAgeMs: DEFAULT_MAX_AGE_MS,
      start: { inline: false, unverifiedRequester: 'counts' },
    };
    if (!isObj(doc)) {
      this.problem([], 'the policy must be a mapping with identities, roles and (optionally) unsigned and maxAge');
      throw new PolicyError(this.source.file, this.problems);
    }
    for (const key of Object.keys(doc)) {
      if (!['identities', 'roles', 'unsigned', 'maxAge', 'start', 'apiVersion', 'kind'].includes(key)) {
        this.problem([key], `unknown field "${key}"${hint(key, ['identities', 'roles', 'unsigned', 'maxAge', 'start'])}`, 'key');
      }
    }
    if (doc.maxAge !== undefined) policy.maxAgeMs = this.maxAge(doc.maxAge);
    this.readRoles(doc.roles, policy);
    this.readIdentities(doc.identities, policy);
    this.readUnsigned(doc.unsigned, policy);
    this.readStart(doc.start, policy);
    if (this.problems.length > 0) throw new PolicyError(this.source.file, this.problems);
    return policy;
  }

  private maxAge(value: unknown): number {
    try {
      const ms = parseDuration(String(value));
      if (ms < 1000 || ms > 24 * 3600_000) throw new Error('must be between 1s and 24h');
      return ms;
    } catch (error) {
      this.problem(['maxAge'], `maxAge ${JSON.stringify(value)}: ${(error as Error).message}`);
      return DEFAULT_MAX_AGE_MS;
    }
  }

  private readRoles(roles: unknown, policy: Policy): void {
    if (!isObj(roles)) {
      this.problem(roles === undefined ? [] : ['roles'], 'roles must be a mapping of role name to a list of rules like {actions: [approve], kinds: [canary]}');
      return;
    }
    for (const [role, rules] of Object.entries(roles)) {
      if (!Array.isArray(rules)) {
        this.problem(['roles', role], `role ${role} must be a list of rules like - {actions: [approve], kinds: [canary]}`);
        continue;
      }
      policy.roles.set(
        role,
        rules.map((rule, i) => this.rule(rule, ['roles', role, i])).filter((r): r is Rule => r !== undefined),
      );
    }
  }

  private rule(value: unknown, path: PathSegment[], withActions = true): Rule | undefined {
    const fields = withActions ? ['actions', 'kinds', 'names', 'labels'] : ['kinds', 'names', 'labels'];
    if (!isObj(value)) {
      this.problem(
        path,
        withActions
          ? 'a rule is a mapping like {actions: [approve], kinds: [canary], names: ["checkout-*"]}'
          : 'an unsigned start rule is a mapping like {kinds: [generic], names: ["hello"]}',
      );
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) this.problem([...path, key], `unknown field "${key}" in a rule${hint(key, fields)}`, 'key');
    }
    const actions = withActions ? this.strings(value.actions, [...path, 'actions'], true) : ['start'];
    if (withActions)
      actions?.forEach((action, i) => {
        if (action !== '*' && !RULE_ACTIONS.includes(action))
          this.problem([...path, 'actions', i], `unknown action "${action}"${hint(action, RULE_ACTIONS)}; actions are ${RULE_ACTIONS.join(', ')} or *`);
      });
    const kinds = value.kinds === undefined ? undefined : this.strings(value.kinds, [...path, 'kinds'], false);
    const names = value.names === undefined ? undefined : this.strings(value.names, [...path, 'names'], false);
    const labels = value.labels === undefined ? undefined : this.labels(value.labels, [...path, 'labels']);
    if (!actions) return undefined;
    return { actions, ...(kinds ? { kinds } : {}), ...(names ? { names } : {}), ...(labels ? { labels } : {}) };
  }

  private labels(value: unknown, path: PathSegment[]): Record<string, string> | undefined {
    if (!isObj(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      this.problem(path, 'labels must be a mapping of label to value (`*` wildcards allowed), like {team: payments}');
      return undefined;
    }
    return value as Record<string, string>;
  }

  private readStart(start: unknown, policy: Policy): void {
    if (start === undefined) return;
    if (!isObj(start)) {
      this.problem(['start'], 'start must be a mapping like {inline: false, unsigned: [{kinds: [generic]}]}');
      return;
    }
    for (const key of Object.keys(start)) {
      if (!START_FIELDS.includes(key)) this.problem(['start', key], `unknown field "${key}" under start${hint(key, START_FIELDS)}`, 'key');
    }
    if (start.inline !== undefined) {
      if (typeof start.inline !== 'boolean') this.problem(['start', 'inline'], 'start.inline must be true or false');
      else policy.start.inline = start.inline;
    }
    if (start.unverifiedRequester !== undefined) {
      if (start.unverifiedRequester !== 'counts' && start.unverifiedRequester !== 'ignored') {
        this.problem(
          ['start', 'unverifiedRequester'],
          "start.unverifiedRequester must be counts (an unsigned start's named requester may not approve it; the default) or ignored",
        );
      } else policy.start.unverifiedRequester = start.unverifiedRequester;
    }
    if (start.unsigned !== undefined) {
      if (!Array.isArray(start.unsigned)) {
        this.problem(['start', 'unsigned'], 'start.unsigned must be a list of rules like - {kinds: [generic]} ([] allows no unsigned start)');
        return;
      }
      policy.start.unsigned = start.unsigned.map((rule, i) => this.rule(rule, ['start', 'unsigned', i], false)).filter((r): r is Rule => r !== undefined);
    }
  }

  private strings(value: unknown, path: PathSegment[], required: boolean): string[] | undefined {
    if (value === undefined && required) {
      this.problem(path, `"${path[path.length - 1]}" is required: a list of names`);
      return undefined;
    }
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
      this.problem(path, `"${path[path.length - 1]}" must be a non-empty list of names, like [approve, abort]`);
      return undefined;
    }
    return list as string[];
  }

  private readIdentities(identities: unknown, policy: Policy): void {
    if (!isObj(identities)) {
      this.problem(identities === undefined ? [] : ['identities'], 'identities must be a mapping of name to {publicKey or hmac, roles}');
      return;
    }
    for (const [name, value] of Object.entries(identities)) {
      const path = ['identities', name];
      if (!IDENTITY_NAME.test(name)) this.problem(path, `identity name "${name}" must be letters, digits, . _ @ - (it is what --as and "by" say)`, 'key');
      if (!isObj(value)) {
        this.problem(path, `identity ${name} must be a mapping like {publicKey: <base64>, roles: [sre]}`);
        continue;
      }
      for (const key of Object.keys(value)) {
        if (!['publicKey', 'hmac', 'roles'].includes(key))
          this.problem([...path, key], `unknown field "${key}" for an identity${hint(key, ['publicKey', 'hmac', 'roles'])}`, 'key');
      }
      const identity: Identity = { name, roles: this.strings(value.roles, [...path, 'roles'], true) ?? [] };
      identity.roles.forEach((role, i) => {
        if (!policy.roles.has(role)) this.problem([...path, 'roles', i], `role "${role}" is not defined under roles${hint(role, [...policy.roles.keys()])}`);
      });
      if ((value.publicKey === undefined) === (value.hmac === undefined)) {
        this.problem(path, `identity ${name} needs exactly one of publicKey (Ed25519, from genie keygen) or hmac (secret://<name>)`);
      } else if (value.publicKey !== undefined) {
        try {
          if (typeof value.publicKey !== 'string') throw new Error('must be a string');
          identity.publicKeyPem = parsePublicKey(value.publicKey).export({ type: 'spki', format: 'pem' }).toString();
        } catch (error) {
          this.problem([...path, 'publicKey'], `publicKey of ${name}: ${(error as Error).message}; paste the base64 line genie keygen prints, or a PEM block`);
        }
      } else {
        const ref = value.hmac;
        if (typeof ref !== 'string' || !ref.startsWith('secret://') || !isSecretName(ref.slice('secret://'.length))) {
          this.problem(
            [...path, 'hmac'],
            `hmac of ${name} must be a secret reference like secret://${name.replace(/[^A-Za-z0-9_]/g, '_')}_hmac, never the secret itself`,
          );
        } else identity.hmac = ref;
      }
      policy.identities.set(name, identity);
    }
  }

  private readUnsigned(unsigned: unknown, policy: Policy): void {
    for (const action of UNSIGNED_BY_DEFAULT) policy.unsigned.set(action, true);
    if (unsigned === undefined) return;
    if (!isObj(unsigned)) {
      this.problem(['unsigned'], 'unsigned must be a mapping of action to true/false, like {pause: true, abort: false}');
      return;
    }
    for (const [action, allowed] of Object.entries(unsigned)) {
      if (!POLICY_ACTIONS.includes(action)) this.problem(['unsigned', action], `unknown action "${action}"${hint(action, POLICY_ACTIONS)}`, 'key');
      else if (typeof allowed !== 'boolean') this.problem(['unsigned', action], `unsigned.${action} must be true or false`);
      else policy.unsigned.set(action, allowed);
    }
  }
}

function hint(word: string, options: readonly string[]): string {
  const best = closest(word, options);
  return best ? ` (did you mean "${best}"?)` : '';
}

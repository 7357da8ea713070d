/** Which roles may do what on which runbooks: rule matching with `*` wildcards. Pure. */
import type { Identity, Policy, Rule } from './types';

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function matches(patterns: string[] | undefined, value: string): boolean {
  return patterns === undefined || patterns.some((p) => glob(p).test(value));
}

export function ruleAllows(rule: Rule, action: string, target: { kind: string; name: string; labels?: Record<string, string> }): boolean {
  return (
    (rule.actions.includes('*') || rule.actions.includes(action)) &&
    matches(rule.kinds, target.kind) &&
    matches(rule.names, target.name) &&
    labelsMatch(rule.labels, target.labels ?? {})
  );
}

function labelsMatch(wanted: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return wanted === undefined || Object.entries(wanted).every(([key, pattern]) => labels[key] !== undefined && glob(pattern).test(labels[key]));
}

/** The role that allows it, or undefined. */
export function allowingRole(
  policy: Policy,
  identity: Identity,
  action: string,
  target: { kind: string; name: string; labels?: Record<string, string> },
): string | undefined {
  return identity.roles.find((role) => (policy.roles.get(role) ?? []).some((rule) => ruleAllows(rule, action, target)));
}

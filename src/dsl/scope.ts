/**
 * Which step results exist at each point of a run, so `$steps.<id>` can be checked at load
 * time. A step sees: earlier steps of its own sequence and of every enclosing sequence,
 * with everything nested in them. It does not see itself, later steps, or steps of a
 * sibling branch (parallel branches run concurrently; if/switch branches exclude each
 * other), nor, after a forEach, the steps of its body (they ran once per item, in scopes
 * of their own: the interpreter isolates iterations). Inside an until body, the body's
 * own steps are readable too: their results from the previous pass. onFailure steps also see every step
 * of the main procedure. Pure.
 */
import { descendants, type SequenceNode, type StepNode, type StepTree } from './step-tree';

function ids(steps: StepNode[]): string[] {
  return steps.map((s) => s.id).filter((id): id is string => id !== undefined);
}

/** A finished step and the nested steps whose results stay readable after it. */
function finished(step: StepNode): StepNode[] {
  if (step.kindKeys[0] === 'forEach') return [step];
  return [step, ...step.children.flatMap((sequence) => sequence.steps.flatMap(finished))];
}

/** Ids readable after one pass of a step's body (the until condition is evaluated then). */
export function bodyIds(step: StepNode): string[] {
  return ids(step.children.flatMap((sequence) => sequence.steps.flatMap(finished)));
}

/** Which step results are readable at some point; `has` walks out through the enclosing sequences. */
export interface Visibility {
  has(id: string): boolean;
}

/**
 * The visibility of each step's own fields (guard, arguments, loop settings...). Linked,
 * not copied: per sequence one map from id to the index of the sibling it finishes with,
 * so a 1000-step runbook costs 1000 entries, not a million.
 */
export function scopes(tree: StepTree): Map<StepNode, Visibility> {
  const result = new Map<StepNode, Visibility>();
  const assign = (sequence: SequenceNode, outer: Visibility) => {
    const finishedAt = new Map<string, number>();
    sequence.steps.forEach((step, index) => {
      for (const id of ids(finished(step))) if (!finishedAt.has(id)) finishedAt.set(id, index);
    });
    sequence.steps.forEach((step, index) => {
      const mine: Visibility = { has: (id) => (finishedAt.get(id) ?? Infinity) < index || outer.has(id) };
      result.set(step, mine);
      // An until body sees its own steps' results from the previous pass (null on the first):
      // the way a loop carries state from one pass to the next.
      const previousPass = step.kindKeys[0] === 'until' ? new Set(bodyIds(step)) : undefined;
      const inside: Visibility = previousPass ? { has: (id) => previousPass.has(id) || mine.has(id) } : mine;
      for (const child of step.children) assign(child, inside);
    });
  };
  const nothing: Visibility = { has: () => false };
  if (tree.steps) assign(tree.steps, nothing);
  const main = new Set(tree.steps ? ids(tree.steps.steps.flatMap((s) => [s, ...descendants(s)])) : []);
  if (tree.onFailure) assign(tree.onFailure, main);
  if (tree.finally) {
    const failure = tree.onFailure ? ids(tree.onFailure.steps.flatMap((s) => [s, ...descendants(s)])) : [];
    assign(tree.finally, new Set([...main, ...failure]));
  }
  return result;
}

function ancestors(step: StepNode | undefined): StepNode[] {
  const chain: StepNode[] = [];
  for (let s = step; s; s = s.parent) chain.push(s);
  return chain;
}

/** Why `id` is not visible from `from`, in words, for the DANGLING_STEP_REF message. */
export function whyNotVisible(id: string, from: StepNode | undefined, tree: StepTree): string {
  const target = tree.all.find((s) => s.id === id);
  if (!target) return 'does not exist';
  if (!from) return 'has not run when this is evaluated';
  if (target === from) return 'is this step itself (a step cannot read its own result)';
  const mine = ancestors(from);
  if (mine.includes(target)) return `encloses this step and has not finished when this runs`;
  const theirs = ancestors(target);
  const common = mine.find((s) => theirs.includes(s));
  if (common) {
    const kind = common.kindKeys[0];
    if (kind === 'parallel') return `runs concurrently in another branch of parallel step '${common.id ?? '?'}'`;
    if (kind === 'then' || kind === 'switch') return `is in another branch of '${common.id ?? '?'}', which never runs together with this one`;
  }
  const loop = theirs.find((s) => s !== target && s.kindKeys[0] === 'forEach' && !mine.includes(s));
  if (loop) return `runs once per item inside forEach '${loop.id ?? '?'}' (read the forEach step's own result instead)`;
  const inFailure = (s: StepNode) => s.path[0] === 'onFailure';
  if (inFailure(target) && !inFailure(from)) return 'only runs in onFailure, after the procedure has failed';
  if (target.path[0] === 'finally' && from.path[0] !== 'finally') return 'only runs in finally, at the very end';
  return 'runs later (it is defined after this point)';
}

/**
 * The environment a `command.run` child gets: a small fixed base plus what the worker's operator
 * allows by name (GENIE_COMMAND_ENV_ALLOW, comma-separated), plus the step's own `env`. The
 * worker's full environment (credentials, tokens, GENIE_SECRET_*) never reaches a runbook's
 * command, and variables that make a loader or shell run code of the caller's choosing are
 * refused wherever they come from.
 */
export const ENV_ALLOW_VARIABLE = 'GENIE_COMMAND_ENV_ALLOW';

const BASE = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'TERM'];

const INJECTION_PREFIXES = ['LD_', 'DYLD_', 'BASH_FUNC_'];
const INJECTION_NAMES = new Set([
  'BASH_ENV',
  'ENV',
  'PS4',
  'SHELLOPTS',
  'BASHOPTS',
  'PROMPT_COMMAND',
  'IFS',
  'CDPATH',
  'GLOBIGNORE',
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONINSPECT',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'GCONV_PATH',
  'MALLOC_CHECK_',
  'HOSTALIASES',
  'RESOLV_HOST_CONF',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
]);

/** Whether setting this variable could make the command (or its loader/shell) run other code. */
export function isInjectionVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return INJECTION_NAMES.has(upper) || INJECTION_PREFIXES.some((p) => upper.startsWith(p));
}

export function injectionVariableMessage(name: string): string {
  return `env ${name} is refused: it lets a loader or shell run code chosen by whoever sets it (LD_*, DYLD_*, BASH_ENV, NODE_OPTIONS, PYTHONSTARTUP, ...); pass configuration as arguments instead`;
}

function allowedNames(workerEnv: NodeJS.ProcessEnv): string[] {
  const extra = (workerEnv[ENV_ALLOW_VARIABLE] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return [...BASE, ...extra].filter((name) => !isInjectionVariable(name));
}

/** The child's environment; throws on an injection variable in the step's env (defence at execution). */
export function commandEnvironment(stepEnv: Record<string, string>, workerEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of allowedNames(workerEnv)) {
    const value = workerEnv[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(stepEnv)) {
    if (isInjectionVariable(name)) throw new Error(injectionVariableMessage(name));
    env[name] = value;
  }
  return env;
}

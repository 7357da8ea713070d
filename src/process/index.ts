/** The process supervisor: named, durable, detached processes (see supervisor.ts). */
export { ProcessError, type ProcessErrorCode } from './errors';
export { defaultProcessDir, type AutoRestartPolicy, type ProcessRecord } from './store';
export { Supervisor, type ProcessSpec, type ProcessStatus, type StartResult, type StopResult, type SupervisorOptions } from './supervisor';
export { genieArgv } from './genie-argv';

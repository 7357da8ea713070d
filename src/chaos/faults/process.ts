/**
 * Process faults on a process the supervisor (src/process) knows by name: SIGSTOP (removed
 * with SIGCONT) or SIGKILL (not reversible: the supervisor's auto-restart, if the process has
 * one, brings it back). The pid is taken from the supervisor's store together with its start
 * time, so a signal never reaches another program that inherited the pid.
 */
import { isRunning } from '../../process/proc';
import { ProcessStore, defaultProcessDir } from '../../process/store';
import type { FaultRecord } from '../store';
import { FaultError, type FaultDriver } from './types';

export const processFaults: FaultDriver = {
  async prepare(name, spec) {
    const record = new ProcessStore(defaultProcessDir()).read(name);
    if (!record) throw new FaultError('TARGET_NOT_FOUND', `the process supervisor (${defaultProcessDir()}) has no process named ${name}`);
    if (!record.pid || !isRunning({ pid: record.pid, startTicks: record.startTicks, bootId: record.bootId })) {
      throw new FaultError('TARGET_NOT_RUNNING', `process ${name} is not running; there is nothing to ${spec.signal === 'SIGKILL' ? 'kill' : 'stop'}`);
    }
    return {
      pid: record.pid,
      startTicks: record.startTicks ?? null,
      bootId: record.bootId ?? null,
      signal: spec.signal,
      undoSignal: spec.signal === 'SIGSTOP' ? 'SIGCONT' : null,
    };
  },
  async apply(r) {
    process.kill(Number(r.undo.pid), String(r.spec.signal) as NodeJS.Signals);
  },
  async remove(r: FaultRecord) {
    const identity = {
      pid: Number(r.undo.pid),
      ...(r.undo.startTicks ? { startTicks: String(r.undo.startTicks) } : {}),
      ...(r.undo.bootId ? { bootId: String(r.undo.bootId) } : {}),
    };
    if (r.undo.undoSignal !== 'SIGCONT') return `SIGKILL is not reversible; process ${r.target} comes back only through the supervisor's auto-restart`;
    if (!isRunning(identity)) return `process ${r.target} (pid ${identity.pid}) is no longer running: nothing to continue`;
    process.kill(identity.pid, 'SIGCONT');
    return `sent SIGCONT to process ${r.target} (pid ${identity.pid})`;
  },
};

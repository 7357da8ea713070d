/**
 * The `alert` signal: Alertmanager notifications for the alert group a run was started for
 * (genie alerts / genie up deliver them with signalWithStart, so the first one starts the
 * run and repeats only add to it). Each is kept in order and visible to expressions as
 * $run.alerts (an incident runbook reacts to the `resolved` one), to the `alerts`
 * query, and — as every signal — in history.
 */
import { defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import type { AlertNotice } from '../src/alerts/alertmanager';
import type { RunContext } from './run-state';

export const alertSignal = defineSignal<[AlertNotice]>('alert');
export const alertsQuery = defineQuery<AlertNotice[]>('alerts');

/** Kept small: the latest notices are what a runbook decides on; history has them all. */
const KEEP = 50;

export function installAlerts(run: RunContext): void {
  const notices = run.alerts as AlertNotice[];
  setHandler(alertSignal, (notice) => {
    if (!notice || typeof notice !== 'object' || (notice.status !== 'firing' && notice.status !== 'resolved')) return;
    notices.push(notice);
    if (notices.length > KEEP) notices.shift();
    run.refresh();
  });
  setHandler(alertsQuery, () => notices);
}

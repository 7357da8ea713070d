/** Alert intake: Alertmanager webhooks start or signal incident runs. */
export { AlertPayloadError, alertNotice, incidentWorkflowId, parseAlertGroup, type Alert, type AlertGroup, type AlertNotice } from './alertmanager';
export { deliverAlert, type IntakeOptions, type IntakeResult } from './intake';
export { ALERTS_PATH, startAlertServer, type AlertServer, type AlertServerOptions } from './server';

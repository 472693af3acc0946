import { settings } from "./config.js";

/**
 * Alerting on AWS. Each secret the profile's alert destinations name (`secret: PagerKey`), listed in
 * PROBEMESH_ALERT_SECRETS at deploy time, is an `sst.Secret` (`npx sst secret set PagerKey … --stage prod`)
 * linked to the functions that alert: the value travels in SST's encrypted resource file and is read at
 * run time (packages/functions/src/runtime/secrets.ts through `Resource`), never as plaintext function
 * environment. A destination whose secret is not linked is listed under /healthz `alerts.problems`.
 */
export const alertSecrets = settings.alertSecrets.map((name) => new sst.Secret(name));

/**
 * The dead man's switch from outside the code that stopped: an alarm when the scheduler has not
 * completed a round (invocations without an error) in 3 intervals. Missing data counts as breaching:
 * a scheduler that is not invoked at all publishes nothing.
 */
export function deadmanAlarm(schedulerFunctionName: $util.Input<string>) {
  const periodS = Math.max(60, settings.intervalS);
  const metric = (id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: { namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: schedulerFunctionName }, period: periodS, stat: "Sum" },
  });
  return new aws.cloudwatch.MetricAlarm("SchedulerDeadman", {
    alarmDescription: `probemesh: no scheduler round completed for 3 intervals (${3 * settings.intervalS} s)`,
    comparisonOperator: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: Math.max(1, Math.ceil((3 * settings.intervalS) / periodS)),
    treatMissingData: "breaching",
    metricQueries: [
      metric("invocations", "Invocations"),
      metric("errors", "Errors"),
      { id: "completed", expression: "FILL(invocations, 0) - FILL(errors, 0)", label: "completed rounds", returnData: true },
    ],
  });
}

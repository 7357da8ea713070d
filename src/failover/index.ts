/**
 * Multi-region PostgreSQL replication: the demo environment (real clusters on loopback),
 * the regions file, and the replication operations behind the ReplicationAdapter interface
 * (status, promote, fence, verify, rejoin) that activities/replication.ts and the failover
 * fast path share.
 */
export * from './adapter';
export { PostgresAdapter, checkIdentity } from './postgres-adapter';
export { promoteRegion, type PromoteRegionOptions, type PromoteRegionResult } from './promotion';
export {
  clusterStatus,
  assertAtMostOneWritable,
  writableNodes,
  verifyReplicas,
  mostAdvancedStandby,
  type ClusterStatus,
  type VerifyOptions,
  type VerifyResult,
} from './cluster-ops';
export {
  startFailoverEnvironment,
  failoverRouterConfig,
  regionNames,
  type FailoverEnvironment,
  type FailoverEnvironmentOptions,
  type RegionHandle,
  type RegionSignal,
  type RegionPart,
} from './environment';
export {
  parseRegions,
  loadRegions,
  regionsFromEnv,
  findRegion,
  resolveNode,
  writeRegionsFile,
  RegionsFileError,
  type RegionSpec,
  type RegionsFile,
} from './regions-file';
export { startRegionApp, WRITES_TABLE, WRITES_DDL, type RegionApp, type RegionAppOptions } from './region-app';
export { postgresBindir, PostgresNotFoundError } from './binaries';
export { postgresUser } from './os-user';
export { postmasterPid, signalPostgres, stopPostgres, startPostgres, controlData, LocalNodeError } from './local-node';
export { NodeUnreachableError, lsnDiff, lsnToBigInt } from './sql';
export type { PgNodeSpec, ResolvedNode } from './node-spec';
export { WriteLoad, missingAcknowledged, type Ack, type WriteLoadReport } from './write-load';

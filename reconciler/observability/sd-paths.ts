import { MINIK8S_API } from '../../common/client/api-paths.js';

/** The control plane's http_sd endpoints (observability-router.ts), as Prometheus' configuration names them. */
export const SD_PATH = `${MINIK8S_API}/sd`;

export const PROMETHEUS_SD_PATHS = {
  nodeExporter: `${SD_PATH}/nodes?role=node-exporter`,
  agent: `${SD_PATH}/nodes?role=agent`,
  cadvisor: `${SD_PATH}/nodes?role=cadvisor`,
  pods: `${SD_PATH}/pods`,
  gateway: `${SD_PATH}/gateway`,
} as const;

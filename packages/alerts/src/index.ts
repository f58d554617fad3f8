export * from "./events";
export * from "./message";
export { createSender, type Sender, type SendResult, type SendTarget, type SenderOptions } from "./senders";
export { egressPolicy, literalEgressRefusal, type EgressPolicy } from "./egress";
export { fanOutAlertEvent, type FanOutDeps } from "./fan-out";
export { deliverAlert, DeliveryRetry, type DeliverDeps, type DeliverResult } from "./deliver";
export { readEventFacts, runUrl, type EventInput } from "./facts";
export { listAlertRoutes, createAlertRoute, updateAlertRoute, deleteAlertRoute, testAlertRoute, type AlertRouteView, type RoutesDeps } from "./routes";
export { emitMergeRequestAlertInTx, type MergeRequestAlert } from "./merge-request-alerts";

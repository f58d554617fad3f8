export * from "./state";
export * from "./create-run";
export * from "./claim-node";
export * from "./complete-node";
export * from "./cancel-run";
export * from "./log-sink";
export * from "./outbox";

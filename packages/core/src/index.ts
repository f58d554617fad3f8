export * from "./errors";
export * from "./identifiers";
export * from "./redact";
export * from "./logger";
export * from "./config";
export * from "./credentials";
export * from "./ttl-cache";

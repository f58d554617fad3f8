import type { NextConfig } from "next";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// Headers for every response. Pages get their Content-Security-Policy (with a per-request
// script nonce) from proxy.ts; API answers are JSON and may load nothing at all.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Workspace packages ship TypeScript source (main: src/index.ts).
  transpilePackages: [
    "@galley/core",
    "@galley/db",
    "@galley/auth",
    "@galley/git",
    "@galley/warehouse",
    "@galley/kitchens",
    "@galley/pipelines",
    "@galley/queue",
    "@galley/runs",
    "@galley/workers",
    "@galley/vault",
    "@galley/executor",
    "@galley/dashboards",
    "@galley/alerts",
    "@galley/schedules",
  ],
  // Native addons, dynamic requires and connection pools: loaded by Node at run time, not bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client", "dockerode", "ssh2", "cpu-features", "bullmq", "ioredis", "nodemailer"],
  turbopack: { root },
  outputFileTracingRoot: root,
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;

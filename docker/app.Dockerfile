# Web and worker image for docker compose (untested here: base images cannot be pulled on our machines).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git postgresql-client && rm -rf /var/lib/apt/lists/* && npm i -g pnpm@10
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
RUN pnpm install --frozen-lockfile && bash scripts/prisma-generate.sh && pnpm --filter @galley/web build
EXPOSE 3000

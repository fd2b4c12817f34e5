# audit-enricher worker image.
#   docker build -t audit-enricher:0.1.0 .
#   docker run --read-only --tmpfs /tmp -e AUDIT_ENRICHER_... audit-enricher:0.1.0
#
# Base: an exact Node patch release, the same one the `node` devDependency runs in
# development and CI (test/deploy/dockerfile.test.ts keeps them equal). In your
# registry pipeline, add the digest as well (tag@sha256:…, e.g. from
# `docker buildx imagetools inspect node:24.21.0-bookworm-slim`) so a re-pushed tag
# cannot change the image; the tag stays for humans and update bots.

# ---- build: compile TypeScript and the catalog index ---------------------------
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY catalog ./catalog
# tsc → dist/, then `catalog build` → the index artifact in catalog/.
RUN npm run build

# ---- production-dependencies: runtime packages only, no install scripts ---------
FROM node:24.21.0-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----------------------------------------------------------------------
FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TMPDIR=/tmp
WORKDIR /app
# Files stay owned by root and are not writable by the worker's user: the worker
# writes nothing but stdout, so the root filesystem can be mounted read-only
# (Kubernetes: readOnlyRootFilesystem: true, an emptyDir on /tmp).
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/catalog ./catalog
# A numeric uid:gid so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
# /metrics, /healthz, /readyz (AUDIT_ENRICHER_METRICS_PORT).
EXPOSE 9464
# Exec form: node is PID 1 and receives SIGTERM itself (graceful flush + checkpoint).
ENTRYPOINT ["node", "dist/cli.js", "run"]

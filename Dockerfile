# syntax=docker/dockerfile:1
#
# Genie worker image: the compiled worker, its production dependencies and the shipped
# runbooks, run as the unprivileged `node` user. docker-compose.yml builds it for the
# `genie-worker` service; any other orchestrator can run it the same way:
#
#   docker build -t genie:0.1.0 .
#   docker run --rm -e TEMPORAL_ADDRESS=temporal.example:7233 -e TEMPORAL_NAMESPACE=default genie:0.1.0
#
# The image holds no Temporal server and no `temporal` CLI: always set TEMPORAL_ADDRESS
# (without it Genie would try to start its embedded dev server, which is a laptop feature).
#
# Both stages use the same pinned tag: Debian bookworm (glibc), because Temporal's Rust
# core bridge and @swc/core (used to bundle workflow code at worker start) ship prebuilt
# glibc binaries for linux x64/arm64; an Alpine (musl) base would not load them.

############################ build: compile TypeScript ############################
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer stays cached until the lockfile changes.
# --ignore-scripts: our own `prepare` script runs tsc, which needs sources that are not
# copied yet (we build explicitly below). No dependency needs its install script here:
# native parts arrive as prebuilt platform packages.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY runbooks ./runbooks
# test/ and bench/ are kept out of the context by .dockerignore, so tsc compiles only
# what runs in production. Then drop devDependencies (typescript, mocha, @temporalio/testing).
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -f dist/.tsbuildinfo

############################ runtime: what the worker needs ############################
FROM node:24.22.3-bookworm-slim AS runtime
# --enable-source-maps: stack traces point at the TypeScript line that failed.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app

# package.json is required at run time, not just for reference: src/paths.ts finds the
# project root (and from it runbooks/ and .genie/) by walking up to the package.json
# whose name is "genie". Files stay owned by root so the worker cannot modify its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/runbooks ./runbooks

# .genie/ is Genie's only writable state (keys, local files); the worker keeps its durable
# state in Temporal, so losing this directory with the container loses nothing important.
RUN mkdir -p /app/.genie && chown node:node /app/.genie

# No Docker HEALTHCHECK, on purpose. The worker serves nothing: it long-polls Temporal,
# so there is no port or endpoint to probe, and "the node process exists" is already what
# Docker knows (a crash exits the container and the restart policy replaces it). A probe
# that only checks the process would report healthy for a worker stuck unable to reach
# Temporal, which is worse than no signal. Whether workers are really serving is visible
# where it matters: `temporal task-queue describe --task-queue genie` lists live pollers,
# and the Temporal UI shows them. Compose health-gates Temporal itself instead.
HEALTHCHECK NONE

USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["worker"]

# syntax=docker/dockerfile:1
# Meshboard: one instance per container. How to run it, alone or several behind a proxy: docs/deployment.md.

# --- build: compile better-sqlite3, build the client, keep only the runtime dependencies ---
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source here: node-gyp needs Python, make and a C++ compiler.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Never fetch a prebuilt better-sqlite3 binary (build_from_source), and take Node's headers from the image
# (its release tarball is unpacked in /usr/local) instead of downloading them (nodedir).
ENV npm_config_build_from_source=better-sqlite3 \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The server runs its TypeScript through tsx, a runtime dependency; vite and the rest are needed only to build.
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

# --- runtime ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the server; it writes only to DATA_DIR (and tsx's cache in /tmp).
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/client ./dist/client
COPY --from=build /app/shared ./shared
COPY --from=build /app/server ./server
# Created before VOLUME so that a new volume starts out owned by the unprivileged user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is the container's main process (the image's entrypoint execs it), so SIGTERM reaches the
# server, which stores what is queued and stops within 10 s: give `docker stop` more than that (-t 15).
CMD ["node", "--import", "tsx", "server/main.ts"]

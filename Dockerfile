# syntax=docker/dockerfile:1
# The gateway's image (README "Deployment"). Two stages:
#   build    installs every dependency (TypeScript, esbuild…), builds dist/, then prunes the dev
#            dependencies, keeping the native modules (better-sqlite3, serialport) it compiled;
#   runtime  the built output and production node_modules only, as the unprivileged user node,
#            data in the volume /data. Starting it needs no registry and no internet.
# Build: docker build -t anjian:0.1.0 .   (on an isolated network: docker save | docker load)
# test/integration/deploy.test.ts runs the runtime stage's layout from a fresh directory.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
# compilers for native modules when no prebuilt binary fits (better-sqlite3, @serialport/bindings-cpp)
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 @serialport/bindings-cpp esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY devices ./devices
COPY simulators ./simulators
COPY config ./config
COPY test/bench ./test/bench
COPY test/helpers ./test/helpers
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ANJIAN_DATA_DIR=/data \
    ANJIAN_SECRETS=/run/secrets
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/config ./config
COPY README.md ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# MQTT and HTTP (console, API, /metrics); publish them deliberately (docker-compose.yml)
EXPOSE 1883 8080
# the gateway stops cleanly on SIGTERM: stops taking input, flushes, closes its stores, exits 0
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/anjian.js"]
CMD ["start", "--config", "/app/config/demo.yaml", "--data-dir", "/data"]

# syntax=docker/dockerfile:1.7
# channel-incentives: one image for every role (api, worker, all).
#   docker build -t channel-incentives .
#   docker run -e DATABASE_URL=… -e REDIS_URL=… -e ENCRYPTION_KEYS=… -p 3000:3000 channel-incentives serve --role api

# --- build: compile TypeScript and the widgets with dev dependencies --------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm ci` runs `prepare` (the build); sources are not copied yet, so skip scripts here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# build:widgets → dist/widgets, which the server serves under /widgets/ (docs/widget.md §2).
RUN npm run build && npm run build:widgets && npm prune --omit=dev --ignore-scripts

# --- runtime: only what runs, as an unprivileged user ------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schemas ./schemas
COPY --from=build --chown=node:node /app/examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
# Liveness without curl: node's own fetch against /health/live.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/channel-incentives.js"]
CMD ["serve"]

# The hub's image, in two stages. Build: every dependency, to generate the
# Prisma client. Runtime: production dependencies only, the generated client
# copied over, a non-root user, node as PID 1 (the hub handles SIGTERM itself:
# it stops the dispatcher, the HTTP server and its connections in order).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The install scripts would generate before the sources are in: generate once they are.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run generate:prisma

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HUB_DATA_DIR=/var/lib/hub
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs scripts/
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/src/generated src/generated
COPY bin bin
COPY src src
COPY prisma prisma
COPY prisma.config.ts tsconfig.json ./
# The node image's unprivileged user; the data directory (signing keys) is its own.
RUN mkdir -p /var/lib/hub && chown node:node /var/lib/hub
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/hub.js", "start"]

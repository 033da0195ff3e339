# Voice bridge: build with the dev toolchain, run on production dependencies only, as a non-root user.
# CMD starts `node` directly (no npm, no shell) so SIGTERM reaches Node and the call drain runs (src/ops/drain.ts).

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY sim ./sim
COPY bench ./bench
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
# jemalloc instead of glibc's malloc. Node allocates a 64 KiB buffer for every socket read and shrinks it to the
# bytes read; with ~50 reads a second per call, glibc leaves the heap fragmented and never gives the pages back, and
# memory per call under load measured about half with jemalloc (README, Capacity). Linked to one path whatever the
# architecture.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
  && ln -s "$(dpkg -L libjemalloc2 | grep '/libjemalloc.so.2$')" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# The operator console's page, served from the repository as it is (no build step).
COPY public ./public
# The order outbox lives in DATA_DIR (default ./data); mount a volume there to keep it across deploys.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# A young generation of at most 2 × 2 MB instead of V8's 2 × 16 MB: it is collected more often, so the socket reads
# and frames it holds are freed sooner (about half the memory per call under load, a few % more CPU in GC; see the
# README's Capacity). npm run bench starts the server with these same options.
ENV NODE_OPTIONS="--max-semi-space-size=2"
CMD ["node", "dist/src/index.js"]

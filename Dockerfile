# One image for the API, the worker and the courier simulators; docker-compose picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Message templates a store can change (TEMPLATES_DIR=/app/templates).
COPY templates ./templates
# Workflow code is bundled by the worker at start from the compiled sources.
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]

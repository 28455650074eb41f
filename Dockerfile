# The coordinator node image. Build: docker build -t coordinator .  (no Docker engine runs on the dev
# machines; scripts/dev-up.sh is the local equivalent and this file mirrors it.)
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libhiredis-dev libpq-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product coordinator

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libhiredis0.14 libpq5 libssl3 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
COPY --from=build /src/.build/release/coordinator /usr/local/bin/coordinator
COPY migrations /app/migrations
COPY docs/openapi.json /app/docs/openapi.json
WORKDIR /app
ENV COORD_HTTP_HOST=0.0.0.0 COORD_HTTP_PORT=8080 COORD_MIGRATIONS_DIR=/app/migrations \
    COORD_OPENAPI_FILE=/app/docs/openapi.json
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=2s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/coordinator"]
CMD ["serve"]

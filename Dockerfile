# PeerWatt platform image: `docker build -t peerwatt .` then see deploy/compose.yaml.
# Stage 1 builds the runnable jar with the Maven wrapper; stage 2 runs it on a JRE 17.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY protocol protocol
COPY db db
COPY http-edge http-edge
COPY meter-gateway meter-gateway
COPY trading-core trading-core
COPY settlement settlement
COPY web-ui web-ui
COPY deploy deploy
COPY benchmarks benchmarks
RUN ./mvnw -B -ntp -q -DskipTests -pl deploy -am package

FROM eclipse-temurin:17-jre
# curl answers the health check; the platform runs as an unprivileged user
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/peerwatt --create-home --shell /usr/sbin/nologin peerwatt
COPY --from=build /src/deploy/target/peerwatt.jar /opt/peerwatt/peerwatt.jar
USER peerwatt
WORKDIR /var/lib/peerwatt
ENV PEERWATT_HTTP_HOST=0.0.0.0 \
    PEERWATT_HTTP_PORT=8080 \
    PEERWATT_DATA_DIR=/var/lib/peerwatt
VOLUME ["/var/lib/peerwatt"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/peerwatt/peerwatt.jar"]
CMD ["platform"]

# syntax=docker/dockerfile:1
# AsyncCatalog production image: AWS mode, the production jar (no local AWS servers), non-root.
#   docker build -t async-catalog .
#   docker run -p 8080:8080 -e AWS_REGION=eu-west-1 -e CATALOG_API_KEYS=change-me async-catalog

# --- build ---------------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# dependencies first, in their own layer: they change far less often than the code
COPY pom.xml ./
RUN mvn -B -q -ntp dependency:go-offline -DexcludeReactor=true || mvn -B -q -ntp dependency:resolve
COPY conf ./conf
COPY src ./src
RUN mvn -B -q -ntp -DskipTests package
# Amazon RDS's CA bundle, so that Store=postgres connects with sslmode=verify-full (PGSSLROOTCERT in the template);
# without network access the file stays empty, and a PostgreSQL store set to verify-full then refuses to start
ARG RDS_CA_BUNDLE_URL=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
RUN curl -fsS --retry 3 -o /build/rds-global-bundle.pem "$RDS_CA_BUNDLE_URL" \
    || (echo "could not download the RDS CA bundle from $RDS_CA_BUNDLE_URL" >&2 && touch /build/rds-global-bundle.pem)

# --- run -----------------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
RUN groupadd --system catalog && useradd --system --gid catalog --home-dir /app --shell /usr/sbin/nologin catalog
WORKDIR /app
COPY --from=build /build/target/async-catalog-aws.jar /app/app.jar
COPY --from=build /build/conf/config.json /app/conf/config.json
COPY --from=build /build/rds-global-bundle.pem /app/rds-global-bundle.pem
COPY deploy/entrypoint.sh /app/entrypoint.sh
RUN chmod 0555 /app/entrypoint.sh && chown -R catalog:catalog /app
USER catalog

# Serial GC: the default task has 1 vCPU, where the JVM would choose it anyway; on 2 cores with -Xmx256m it kept the
# service's resident memory 30-160 MB below G1's (whose own structures took ~44 MB) at no measurable CPU cost.
ENV CATALOG_MODE=aws \
    CATALOG_HTTP_HOST=0.0.0.0 \
    CATALOG_HTTP_PORT=8080 \
    CATALOG_LOG_FORMAT=json \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx16m", "-cp", "/app/app.jar", "io.asynccatalog.HealthProbe"]
# exec form, and the script execs java: the JVM is PID 1 and gets SIGTERM directly
ENTRYPOINT ["/app/entrypoint.sh"]

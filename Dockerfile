# Cutover Orchestrator image. Build the jar first, then the image:
#   ./mvnw -B package -DskipTests && docker build -t cutover-orchestrator .
# (docker compose up --build does the second step; see docker-compose.yml)
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 10001 --home-dir /app cutover \
    && mkdir -p /app/data /app/runbooks \
    && chown -R cutover /app

WORKDIR /app
# The Spring Boot executable jar (the repackaged one; Maven keeps the plain one as *.jar.original).
COPY target/*.jar /app/app.jar
COPY runbooks/ /app/runbooks/
# The JVM options the service is tuned and benched with (an argument file; see its comments).
COPY jvm.options /app/jvm.options

USER cutover
# H2 state under /app/data by default (mount a volume there); runbooks from /app/runbooks.
ENV CUTOVER_RUNBOOKS_LOCATION=/app/runbooks
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "@/app/jvm.options", "-jar", "/app/app.jar"]

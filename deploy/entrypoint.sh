#!/bin/sh
# Replaces itself with the JVM, so that SIGTERM from the container runtime reaches the service's shutdown.
# JAVA_OPTS holds JVM flags (container-aware memory sizing by default); arguments go to the service.
exec java $JAVA_OPTS -jar /app/app.jar "$@"

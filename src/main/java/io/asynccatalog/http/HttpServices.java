package io.asynccatalog.http;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.contract.ApiContract;
import io.asynccatalog.queue.DeadLetters;

/** What an HTTP verticle serves with; shared by all instances except the routes, which each instance builds. */
public record HttpServices(IngestRoutes ingest, ProductRoutes products, DeadLetters deadLetters, ApiKeys apiKeys, Readiness readiness,
                           Dependencies dependencies, ApiContract contract, String registryName) {}

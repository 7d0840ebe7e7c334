package io.asynccatalog.aws;

/** The resolved AWS resources the service works on. */
public record CatalogResources(String queueUrl, String dlqUrl, String tableName, String bucketName,
                               String idempotencyTableName) {}

package io.asynccatalog.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogConfigTest {
  @Test
  void shippedDefaultsDescribeTheChallengeResources() {
    CatalogConfig config = CatalogConfig.from(ConfigLoader.defaults());
    assertEquals(CatalogConfig.Mode.LOCAL, config.mode());
    assertTrue(config.provision(), "local mode creates what is missing");
    assertEquals(8080, config.http().port());
    assertEquals("0.0.0.0", config.http().host());
    assertEquals("product-queue", config.resources().queueName());
    assertEquals("product-queue-dlq", config.resources().dlqName());
    assertEquals(5, config.resources().maxReceiveCount());
    assertEquals("ProductTable", config.resources().tableName());
    assertEquals("reports-bucket", config.resources().bucketName());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.http().instances());
  }

  @Test
  void environmentStyleStringsAreConverted() {
    JsonObject json = ConfigLoader.defaults().put("CATALOG_HTTP_PORT", "9999").put("CATALOG_MODE", "AWS")
        .put("CATALOG_PROVISION", "auto").put("CATALOG_API_KEYS", "k1,k2");
    CatalogConfig config = CatalogConfig.from(json);
    assertEquals(9999, config.http().port());
    assertEquals(CatalogConfig.Mode.AWS, config.mode());
    assertFalse(config.provision(), "AWS mode creates nothing unless told to");
  }

  @Test
  void awsModeRequiresApiKeysUnlessTurnedOffAndNeverPrintsThem() {
    JsonObject aws = ConfigLoader.defaults().put("CATALOG_MODE", "aws");
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(aws));
    assertTrue(e.getMessage().contains("CATALOG_API_KEYS"), e.getMessage());
    assertTrue(CatalogConfig.from(aws.copy().put("CATALOG_AUTH", "off")).http().apiKeys().values().isEmpty());
    CatalogConfig keyed = CatalogConfig.from(aws.copy().put("CATALOG_API_KEYS", " secret-one , secret-two "));
    assertEquals(java.util.List.of("secret-one", "secret-two"), keyed.http().apiKeys().values());
    assertFalse(keyed.toString().contains("secret-one"), "configuration printouts hide the keys");
    assertTrue(CatalogConfig.from(ConfigLoader.defaults()).http().apiKeys().values().isEmpty(), "local mode: open");
  }

  @Test
  void everyBadValueIsReportedWithItsKey() {
    JsonObject json = ConfigLoader.defaults()
        .put("CATALOG_HTTP_PORT", "eighty")
        .put("CATALOG_MODE", "cloud")
        .put("CATALOG_BUCKET_NAME", "Not_A_Bucket")
        .put("CATALOG_LOCAL_SQS_PORT", 70000);
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(json));
    assertTrue(e.getMessage().contains("CATALOG_HTTP_PORT: 'eighty' is not a whole number"), e.getMessage());
    assertTrue(e.getMessage().contains("CATALOG_MODE"), e.getMessage());
    assertTrue(e.getMessage().contains("CATALOG_BUCKET_NAME"), e.getMessage());
    assertTrue(e.getMessage().contains("CATALOG_LOCAL_SQS_PORT: 70000 is outside 0..65535"), e.getMessage());
  }

  @Test
  void missingKeysAreNamed() {
    JsonObject json = ConfigLoader.defaults();
    json.remove("CATALOG_TABLE_NAME");
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(json));
    assertTrue(e.getMessage().contains("CATALOG_TABLE_NAME: is required"), e.getMessage());
  }

  @Test
  void thePostgresStoreIsNamedByUrlOrLibpqVariablesAndItsPasswordNeverPrinted() {
    JsonObject aws = ConfigLoader.defaults().put("CATALOG_MODE", "aws").put("CATALOG_AUTH", "off")
        .put("CATALOG_STORE", "postgres");
    ConfigException none = assertThrows(ConfigException.class, () -> CatalogConfig.from(aws));
    assertTrue(none.getMessage().contains("CATALOG_POSTGRES_URL"), none.getMessage());

    CatalogConfig byUrl = CatalogConfig.from(aws.copy().put("CATALOG_POSTGRES_URL",
        "postgresql://app:pa55w0rd@db.internal:6432/catalog?sslmode=verify-full&sslrootcert=/etc/ca.pem"));
    assertEquals("db.internal", byUrl.store().postgresSettings().host());
    assertEquals(6432, byUrl.store().postgresSettings().port());
    assertEquals("/etc/ca.pem", byUrl.store().postgresSettings().sslRootCert());
    assertFalse(byUrl.toString().contains("pa55w0rd"), "no password in what a configuration prints");
    assertFalse(byUrl.store().migrate(), "AWS mode migrates only when told to");

    CatalogConfig byVariables = CatalogConfig.from(aws.copy().put("PGHOST", "10.0.0.5").put("PGUSER", "svc")
        .put("PGPASSWORD", "from-env").put("PGSSLMODE", "require").put("CATALOG_POSTGRES_MIGRATE", "true"));
    assertEquals("10.0.0.5", byVariables.store().postgresSettings().host());
    assertEquals("svc", byVariables.store().postgresSettings().database(), "libpq's default: the user's name");
    assertTrue(byVariables.store().migrate());

    ConfigException badMode = assertThrows(ConfigException.class, () -> CatalogConfig.from(aws.copy()
        .put("CATALOG_POSTGRES_URL", "postgresql://app:hunter2@db/catalog?sslmode=sometimes")));
    assertTrue(badMode.getMessage().contains("sslmode must be"), badMode.getMessage());
    assertFalse(badMode.getMessage().contains("hunter2"), badMode.getMessage());

    CatalogConfig local = CatalogConfig.from(ConfigLoader.defaults().put("CATALOG_STORE", "postgres"));
    assertEquals(null, local.store().postgresSettings(), "local mode without a URL: its own server");
    assertTrue(local.store().migrate());
    assertEquals("dynamodb", CatalogConfig.from(ConfigLoader.defaults()).store().name());
  }
}

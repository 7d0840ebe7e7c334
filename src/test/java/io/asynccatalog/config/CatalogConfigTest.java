package io.asynccatalog.config;

import io.asynccatalog.clients.ClientKeys;
import io.asynccatalog.clients.RateLimits;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    ClientKeys off = CatalogConfig.from(aws.copy().put("CATALOG_AUTH", "off")).http().clients();
    assertFalse(off.enabled());
    assertEquals(List.of(ClientKeys.ANONYMOUS), off.names());
    CatalogConfig keyed = CatalogConfig.from(aws.copy().put("CATALOG_API_KEYS", " secret-one , secret-two "));
    assertEquals(ClientKeys.DEFAULT, keyed.http().clients().clientOf("secret-one"), "plain keys keep working");
    assertEquals(ClientKeys.DEFAULT, keyed.http().clients().clientOf("secret-two"));
    assertNull(keyed.http().clients().clientOf("secret-three"));
    assertFalse(keyed.toString().contains("secret-one"), "configuration printouts hide the keys");
    assertFalse(CatalogConfig.from(ConfigLoader.defaults()).http().clients().enabled(), "local mode: open");
  }

  @Test
  void namedHashedAndRotatedKeysNameTheirClientAndNoPrintoutShowsAKeyOrDigest() {
    String digest = ClientKeys.digestOf("shop-key-2026");
    CatalogConfig config = CatalogConfig.from(ConfigLoader.defaults().put("CATALOG_AUTH", "required")
        .put("CATALOG_API_KEYS", "importer:imp-old,importer:imp-new,shop:sha256:" + digest.toUpperCase()
            + ",legacy-plain-key"));
    ClientKeys clients = config.http().clients();
    assertEquals(List.of("importer", "shop", ClientKeys.DEFAULT), clients.names());
    assertEquals("importer", clients.clientOf("imp-old"), "both keys of a rotation work");
    assertEquals("importer", clients.clientOf("imp-new"));
    assertEquals("shop", clients.clientOf("shop-key-2026"), "a key configured by its digest");
    assertNull(clients.clientOf("sha256:" + digest), "the digest itself is not a key");
    assertNull(clients.clientOf(digest));
    assertEquals(ClientKeys.DEFAULT, clients.clientOf("legacy-plain-key"));
    assertNull(clients.clientOf("importer:imp-old"), "the name is not part of the key");
    String printed = config.toString();
    for (String secret : List.of("imp-old", "imp-new", "shop-key-2026", digest, digest.toUpperCase(), "legacy-plain")) {
      assertFalse(printed.contains(secret), printed);
    }
  }

  @Test
  void badKeyEntriesAreReportedByPositionNeverByContent() {
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(ConfigLoader.defaults()
        .put("CATALOG_AUTH", "required")
        .put("CATALOG_API_KEYS", "ok:fine,bad name:secret-x,shop:sha256:abc123,anonymous:secret-y,empty:")));
    String message = e.getMessage();
    assertTrue(message.contains("entry 2 of 5: the client name"), message);
    assertTrue(message.contains("entry 3 of 5: after 'sha256:' come the key's SHA-256 digest"), message);
    assertTrue(message.contains("entry 4 of 5: 'anonymous' is reserved"), message);
    assertTrue(message.contains("entry 5 of 5: the key is empty"), message);
    assertFalse(message.contains("secret-x") || message.contains("secret-y") || message.contains("abc123"), message);
  }

  @Test
  void rateLimitsHaveADefaultAndPerClientOverridesForClientsThatExist() {
    JsonObject json = ConfigLoader.defaults().put("CATALOG_AUTH", "required")
        .put("CATALOG_API_KEYS", "importer:k1,shop:k2,batch:k3")
        .put("CATALOG_RATE_LIMIT_PER_SECOND", "100")
        .put("CATALOG_RATE_LIMITS", "importer=5000/20000, batch=0");
    RateLimits limits = CatalogConfig.from(json).http().rateLimits();
    assertEquals(new RateLimits.Limit(5000, 20000), limits.of("importer"));
    assertEquals(new RateLimits.Limit(100, 100), limits.of("shop"), "a burst of 0 is one second of the rate");
    assertTrue(limits.of("batch").unlimited(), "0 exempts a client from the default");
    assertTrue(RateLimits.none().of("anyone").unlimited(), "no limit by default");
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(json.copy()
        .put("CATALOG_RATE_LIMITS", "importer=fast,nobody=10,shop=10/20,shop=5")));
    assertTrue(e.getMessage().contains("'importer=fast' is not name=products-per-second[/burst]"), e.getMessage());
    assertTrue(e.getMessage().contains("there is no client 'nobody'"), e.getMessage());
    assertTrue(e.getMessage().contains("client 'shop' is given twice"), e.getMessage());
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

  /** Timings that contradict each other would break a promise at run time: they are refused at start, by key. */
  @Test
  void timingSettingsThatContradictEachOtherAreRefusedNamingTheirKeys() {
    JsonObject json = ConfigLoader.defaults()
        .put("CATALOG_VISIBILITY_TIMEOUT_SECONDS", 3).put("CATALOG_DELETE_LINGER_MS", 1000)
        .put("CATALOG_SAVE_TIMEOUT_MS", 5000).put("CATALOG_AWS_CALL_TIMEOUT_MS", 8000)
        .put("CATALOG_HTTP_REQUEST_TIMEOUT_MS", 4000).put("CATALOG_ENQUEUE_TIMEOUT_MS", 4000)
        .put("CATALOG_ENQUEUE_LINGER_MS", 500)
        .put("CATALOG_RETRY_BASE_SECONDS", 10).put("CATALOG_RETRY_MAX_SECONDS", 5);
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(json));
    for (String pair : List.of("CATALOG_DELETE_LINGER_MS (1000) must be less than a third of "
            + "CATALOG_VISIBILITY_TIMEOUT_SECONDS", "CATALOG_SAVE_TIMEOUT_MS (5000) must be at least "
            + "CATALOG_AWS_CALL_TIMEOUT_MS (8000)", "CATALOG_ENQUEUE_TIMEOUT_MS (4000) must be less than "
            + "CATALOG_HTTP_REQUEST_TIMEOUT_MS (4000)", "CATALOG_RETRY_MAX_SECONDS (5) must be at least "
            + "CATALOG_RETRY_BASE_SECONDS (10)")) {
      assertTrue(e.getMessage().contains(pair), pair + " in: " + e.getMessage());
    }
    assertThrows(ConfigException.class, () -> CatalogConfig.from(ConfigLoader.defaults()
        .put("CATALOG_ENQUEUE_TIMEOUT_MS", 500).put("CATALOG_ENQUEUE_IDLE_LINGER_MS", 500)), "a linger as long as "
        + "the deadline it lingers within");
    CatalogConfig.from(ConfigLoader.defaults()); // the shipped defaults agree with each other
  }

  /** Keys on reads follow keys on writes unless told otherwise, and cannot be asked for without keys. */
  @Test
  void readsTakeKeysWhenWritesDoUnlessTurnedOff() {
    JsonObject keyed = ConfigLoader.defaults().put("CATALOG_MODE", "aws").put("CATALOG_API_KEYS", "shop:k");
    assertTrue(CatalogConfig.from(keyed).http().readKeys(), "AWS mode: keys on writes, and on reads");
    assertFalse(CatalogConfig.from(keyed.copy().put("CATALOG_AUTH_READS", "off")).http().readKeys());
    assertFalse(CatalogConfig.from(ConfigLoader.defaults()).http().readKeys(), "local mode: open");
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogConfig.from(ConfigLoader.defaults()
        .put("CATALOG_AUTH_READS", "required")));
    assertTrue(e.getMessage().contains("CATALOG_AUTH_READS"), e.getMessage());
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

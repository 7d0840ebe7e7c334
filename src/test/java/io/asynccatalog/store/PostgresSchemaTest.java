package io.asynccatalog.store;

import io.asynccatalog.StartupException;
import io.asynccatalog.store.postgres.PostgresSchema;
import io.asynccatalog.store.postgres.PostgresSettings;
import io.asynccatalog.testing.SharedLocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The migrations on a real PostgreSQL: a fresh database, an already migrated one, an old one, one a migration ahead. */
class PostgresSchemaTest {
  private static PostgresSettings database(String name) {
    return PostgresSettings.from(SharedLocalPostgres.newDatabase(name), Map.of(), 2);
  }

  @Test
  void aFreshDatabaseIsMigratedWhenProvisioningAndLeftAloneOnceCurrent() {
    PostgresSettings settings = database("schemafresh");
    PostgresSchema.prepare(settings, true);
    assertDoesNotThrow(() -> PostgresSchema.prepare(settings, false), "already migrated: nothing to do");
    assertDoesNotThrow(() -> PostgresSchema.prepare(settings, true), "and again with provisioning");
  }

  @Test
  void aMissingOrOldSchemaStopsTheStartWithoutProvisioningAndSaysHowToApplyIt() {
    PostgresSettings fresh = database("schemamissing");
    StartupException missing = assertThrows(StartupException.class, () -> PostgresSchema.prepare(fresh, false));
    assertTrue(missing.getMessage().contains("lacks migration(s) V1 products, V2 idempotency keys"),
        missing.getMessage());
    assertTrue(missing.getMessage().contains("CATALOG_PROVISION=true"), missing.getMessage());

    PostgresSettings old = database("schemaold");
    flyway(old).target("1").load().migrate();
    StartupException behind = assertThrows(StartupException.class, () -> PostgresSchema.prepare(old, false));
    assertTrue(behind.getMessage().contains("lacks migration(s) V2 idempotency keys"), behind.getMessage());
    assertDoesNotThrow(() -> PostgresSchema.prepare(old, true), "provisioning brings it up to date");
  }

  @Test
  void aSchemaAMigrationAheadIsRefusedWithAClearMessage() {
    PostgresSettings ahead = database("schemaahead");
    PostgresSchema.prepare(ahead, true);
    SharedLocalPostgres.execute(ahead.database(), "INSERT INTO flyway_schema_history (installed_rank, version,"
        + " description, type, script, checksum, installed_by, execution_time, success) VALUES (4, '4',"
        + " 'products by category', 'SQL', 'V4__products_by_category.sql', 1, 'postgres', 1, true)");
    StartupException refused = assertThrows(StartupException.class, () -> PostgresSchema.prepare(ahead, true));
    assertTrue(refused.getMessage().contains("V4 products by category"), refused.getMessage());
    assertTrue(refused.getMessage().contains("does not know"), refused.getMessage());
  }

  @Test
  void thePasswordNeverShowsInWhatIsLogged() {
    PostgresSettings settings = PostgresSettings.from("postgresql://app:s3cr%40t@db.example:6543/catalog"
        + "?sslmode=verify-full&sslrootcert=/etc/rds/global-bundle.pem", Map.of("PGPASSWORD", "other"), 4);
    assertTrue(settings.password().equals("s3cr@t"), "the URL's password wins over PGPASSWORD");
    assertTrue(!settings.toString().contains("s3cr") && !settings.describe().contains("s3cr"), settings.toString());
    assertTrue(settings.toString().contains("db.example:6543/catalog?sslmode=verify-full"), settings.toString());
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(PostgresSettings settings) {
    return Flyway.configure().dataSource(settings.jdbcUrl(), settings.user(), settings.password())
        .locations(PostgresSchema.LOCATION);
  }
}

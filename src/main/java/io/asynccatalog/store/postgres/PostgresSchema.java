package io.asynccatalog.store.postgres;

import io.asynccatalog.StartupException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The store's schema, as versioned migrations ({@code db/postgres/V*.sql} in the jar) applied by Flyway. At start,
 * before anything is served (on the starting thread, never an event loop): with provisioning on, missing migrations
 * are applied ({@code CATALOG_POSTGRES_MIGRATE}, by default as {@code CATALOG_PROVISION}); without it, a missing or old schema stops the start, naming what is missing and how to apply it. A
 * database whose schema is newer than this service knows (a migration ahead) stops the start either way.
 */
public final class PostgresSchema {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);
  public static final String LOCATION = "classpath:db/postgres";

  private PostgresSchema() {}

  public static void prepare(PostgresSettings settings, boolean provision) {
    Flyway flyway = Flyway.configure()
        .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
        .locations(LOCATION)
        .connectRetries(10)
        .ignoreMigrationPatterns(new String[0]) // a migration ahead of this version must not pass unnoticed
        .load();
    MigrationInfo[] all;
    try {
      all = flyway.info().all();
    } catch (RuntimeException e) {
      throw new StartupException("PostgreSQL at " + settings.describe() + " cannot be read: " + reason(e));
    }
    List<MigrationInfo> ahead = Arrays.stream(all).filter(m -> m.getState().isFailed()
        || m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED).toList();
    if (!ahead.isEmpty()) {
      throw new StartupException("the PostgreSQL schema at " + settings.describe() + " has migration(s) this version"
          + " does not know or that failed: " + names(ahead) + "; run the version of the service that applied them,"
          + " or repair the schema");
    }
    List<MigrationInfo> pending = Arrays.stream(all).filter(m -> m.getState() == MigrationState.PENDING).toList();
    if (pending.isEmpty()) {
      LOG.info("PostgreSQL schema at {} is current ({})", settings.describe(), names(Arrays.asList(all)));
      return;
    }
    if (!provision) {
      throw new StartupException("the PostgreSQL schema at " + settings.describe() + " lacks migration(s) "
          + names(pending) + ": start with CATALOG_POSTGRES_MIGRATE=true (or CATALOG_PROVISION=true) to apply them,"
          + " or apply the SQL files under db/postgres in the jar in order with Flyway");
    }
    try {
      MigrateResult result = flyway.migrate();
      LOG.info("PostgreSQL schema at {}: applied {} migration(s), now at version {}", settings.describe(),
          result.migrationsExecuted, result.targetSchemaVersion);
    } catch (RuntimeException e) {
      throw new StartupException("applying the PostgreSQL schema at " + settings.describe() + " failed: " + reason(e));
    }
  }

  private static String names(List<MigrationInfo> migrations) {
    return String.join(", ", migrations.stream().map(m -> "V" + m.getVersion() + " " + m.getDescription()).toList());
  }

  /** The root cause's message: JDBC wraps the one that says what happened. */
  private static String reason(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? error.getMessage() : cause.getMessage();
  }
}

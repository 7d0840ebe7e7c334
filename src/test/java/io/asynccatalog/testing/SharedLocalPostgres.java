package io.asynccatalog.testing;

import io.asynccatalog.local.LocalPostgresFactory;
import io.asynccatalog.store.postgres.LocalPostgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL for the whole test JVM, started on first use, stopped at exit and its files removed. Tests
 * isolate themselves with a database of their own in it, as they do with their own queue, table and bucket on the
 * shared AWS servers.
 */
public final class SharedLocalPostgres {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static LocalPostgres server;

  private SharedLocalPostgres() {}

  public static synchronized int port() {
    if (server == null) {
      try {
        Path dir = ScratchDirs.create("catalog-shared-postgres", () -> {
          if (server != null) {
            server.close();
          }
        }, "shared-postgres-stop");
        server = new LocalPostgresFactory().start(dir, 0);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the local PostgreSQL", e);
      }
    }
    return server.port();
  }

  /** A new, empty database; returns its URL for {@code CATALOG_POSTGRES_URL}. */
  public static String newDatabase(String testName) {
    String name = "t_" + testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
        + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return url(name);
  }

  public static String url(String database) {
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database + "?sslmode=disable";
  }

  /** Runs one statement in a database, over JDBC (tests only). */
  public static void execute(String database, String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/"
        + database, "postgres", null);
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}

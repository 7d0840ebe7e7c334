package io.asynccatalog.store.postgres;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The PostgreSQL server of local mode: a real PostgreSQL, started by the service under its data directory on
 * 127.0.0.1, keeping its data across restarts. Like the local AWS-compatible servers it lives in the local package,
 * found through {@link ServiceLoader}, so that the production jar leaves it out.
 */
public interface LocalPostgres extends AutoCloseable {
  /** The database the service uses in it. */
  String DATABASE = "catalog";

  int port();

  /** Stops the server, waiting a bounded time. */
  @Override
  void close();

  /** Starts the server; one implementation is packaged in the full jar. */
  interface Factory {
    /** @param port 0 picks a free port */
    LocalPostgres start(Path dataDir, int port) throws Exception;
  }

  /** The packaged implementation, or empty in a build without the local servers. */
  static Optional<Factory> factory() {
    return ServiceLoader.load(Factory.class).findFirst();
  }
}

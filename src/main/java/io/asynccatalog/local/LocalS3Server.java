package io.asynccatalog.local;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** An S3-compatible server (S3Proxy) on loopback, keeping buckets and objects as files under the data directory. */
final class LocalS3Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalS3Server.class);
  private static final long START_TIMEOUT_MS = 30_000;
  private static final Pattern UNFINISHED_WRITE =
      Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final S3Proxy proxy;

  private LocalS3Server(S3Proxy proxy) {
    this.proxy = proxy;
  }

  static LocalS3Server start(Path dir, String host, int port) throws Exception {
    Files.createDirectories(dir);
    removeUnfinishedWrites(dir);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dir.toAbsolutePath().normalize().toString()))
        .endpoint(URI.create("http://" + host + ":" + port))
        .awsAuthentication(AuthenticationType.NONE, null, null)
        .ignoreUnknownHeaders(true)
        .stopTimeout(2000)
        .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        proxy.stop();
        throw new IllegalStateException("the S3 server did not start within " + START_TIMEOUT_MS + " ms");
      }
      Thread.sleep(10); // start-up only, on the main thread
    }
    return new LocalS3Server(proxy);
  }

  /**
   * S3Proxy's filesystem store writes each object to {@code <key>-<random UUID>} and renames it when complete. A
   * process killed mid-write leaves that file behind, and it would list as an object; real S3 writes are atomic,
   * so such leftovers are removed before serving. (Keys that themselves end in "-UUID" are not used here.)
   */
  private static void removeUnfinishedWrites(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile)
          .filter(f -> UNFINISHED_WRITE.matcher(f.getFileName().toString()).matches()).toList()) {
        LOG.info("removing an unfinished object write left by a crash: {}", dir.relativize(file));
        Files.deleteIfExists(file);
      }
    }
  }

  int port() {
    return proxy.getPort();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      LOG.warn("stopping the S3 server failed: {}", e.toString());
    }
  }
}

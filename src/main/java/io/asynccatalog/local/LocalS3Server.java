package io.asynccatalog.local;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** An S3-compatible server (S3Proxy) on loopback, keeping buckets and objects as files under the data directory. */
final class LocalS3Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalS3Server.class);
  private static final long START_TIMEOUT_MS = 30_000;

  private final S3Proxy proxy;

  private LocalS3Server(S3Proxy proxy) {
    this.proxy = proxy;
  }

  static LocalS3Server start(Path dir, String host, int port) throws Exception {
    Files.createDirectories(dir);
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

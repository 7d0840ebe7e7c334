package io.asynccatalog.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of the test JVM's shared servers: made on first use, removed once their server stopped. */
final class ScratchDirs {
  private ScratchDirs() {}

  /** A new directory; at exit, {@code stop} runs first (the server stops using it), then the directory goes. */
  static Path create(String prefix, Runnable stop, String threadName) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.run();
      delete(dir);
    }, threadName));
    return dir;
  }

  static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not remove " + dir + ": " + e); // a leftover in the temp dir, nothing worse
    }
  }
}

package io.asynccatalog.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The processes a run starts: each one stopped by its own PID when it is done, and all of them on exit. */
final class Processes {
  private final List<Process> started = new ArrayList<>();

  Processes() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll));
  }

  /** Starts a command with these extra environment variables, its output to a log file. */
  synchronized Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** SIGTERM, then waits for it to end (SIGKILL after 30 s). */
  synchronized void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    started.remove(process);
  }

  /** Stops every process still running, the local servers too (which stop their PostgreSQL first). */
  synchronized void stopAll() {
    for (Process process : started) {
      process.destroy();
    }
    for (Process process : started) {
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    started.clear();
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until something listens on the port (deadline 60 s), or until the process has ended. */
  static void awaitPort(int port, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!listening(port)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("nothing listens on " + port);
      }
      Thread.sleep(100);
    }
  }

  /** Polls until nothing listens on the port any more (deadline 30 s). */
  static void awaitClosed(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (listening(port) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }
}

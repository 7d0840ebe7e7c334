package io.asynccatalog.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service (or the emulators) as a separate JVM, as an operator runs it, on this test's class path. */
public final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  /** Kills the process if the test JVM stops first (timeout, Ctrl+C); removed once the process is closed. */
  private final Thread reaper;

  private ServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.reaper = new Thread(process::destroyForcibly, "service-process-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  public static ServiceProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    Path log = Files.createTempFile(workDir, "service", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), "io.asynccatalog.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("CATALOG_TEST_LOG_LEVEL", "INFO"); // the child reads logback-test.xml too
    builder.environment().putAll(env);
    return new ServiceProcess(builder.start(), log);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no flush, as in a crash or an OOM kill. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM, as a container runtime sends it. */
  public void terminate() {
    process.destroy();
  }

  /** The exit code, or null if the process is still running after the timeout. */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run: nothing to remove
    }
  }
}

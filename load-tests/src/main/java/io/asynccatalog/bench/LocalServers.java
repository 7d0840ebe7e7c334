package io.asynccatalog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The local AWS-compatible servers (SQS, DynamoDB, S3) and PostgreSQL, as a process of their own started from the
 * service's local jar, so that their CPU is measured apart from the service's.
 */
final class LocalServers {
  static final int SQS_PORT = 19324;
  static final int DYNAMODB_PORT = 18000;
  static final int S3_PORT = 19000;
  static final int POSTGRES_PORT = 15432;

  private final Process process;
  private final Path dataDir;

  private LocalServers(Process process, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
  }

  static LocalServers start(Processes processes, Path work, String localJar) throws IOException, InterruptedException {
    for (int port : new int[] {SQS_PORT, DYNAMODB_PORT, S3_PORT, POSTGRES_PORT, Service.PORT, Bench.RAW_PORT}) {
      // something else on a port would be measured instead of the servers started here
      if (Processes.listening(port)) {
        throw new IllegalStateException("port " + port + " is in use: is another benchmark still running?");
      }
    }
    Path dataDir = work.resolve("emulators");
    Process process = processes.start(List.of("java", "-Xmx1g", "-jar", localJar, "emulators", "sqs", "dynamodb",
            "s3", "postgres"),
        Map.of("CATALOG_DATA_DIR", dataDir.toString(), "CATALOG_LOCAL_SQS_PORT", Integer.toString(SQS_PORT),
            "CATALOG_LOCAL_DYNAMODB_PORT", Integer.toString(DYNAMODB_PORT), "CATALOG_LOCAL_S3_PORT",
            Integer.toString(S3_PORT), "CATALOG_LOCAL_POSTGRES_PORT", Integer.toString(POSTGRES_PORT)),
        work.resolve("emulators.log"));
    for (int port : new int[] {SQS_PORT, DYNAMODB_PORT, S3_PORT, POSTGRES_PORT}) {
      Processes.awaitPort(port, process);
    }
    return new LocalServers(process, dataDir);
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  static String postgresUrl(String database) {
    return "postgresql://postgres@127.0.0.1:" + POSTGRES_PORT + "/" + database + "?sslmode=disable";
  }

  /**
   * The local servers' CPU in ticks: the emulators JVM, and PostgreSQL's postmaster with its live backends and
   * those that ended.
   */
  long ticks() {
    long sum = Proc.cpuTicks(process.pid());
    try {
      long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
      sum += Proc.cpuTicks(postmaster, true);
      sum += ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::children)
          .mapToLong(child -> Proc.cpuTicks(child.pid())).sum();
    } catch (IOException | RuntimeException e) {
      // no PostgreSQL (yet): the emulators' own CPU only
    }
    return sum;
  }

  /** An empty database for one mode, as each DynamoDB mode has its own table; its URL. */
  String createDatabase(String mode) {
    String database = "bench_" + mode.replace('-', '_');
    try {
      CreateDatabase.create(POSTGRES_PORT, database);
    } catch (Exception e) {
      Bench.log("no database " + database + ": " + e.getMessage());
    }
    return postgresUrl(database);
  }

  /**
   * An ingest-only run leaves its products queued (some 150,000), and the local SQS server holding them took the
   * same calls 20-37 % slower in a trial: its queues go before anything else is measured against that server.
   */
  void dropQueues(String run) {
    try {
      List<String> done = DeleteQueues.delete(url(SQS_PORT), List.of("q-" + run, "q-" + run + "-dlq"));
      if (!done.contains("deleted queue q-" + run)) {
        Bench.log("could not delete queue q-" + run);
      }
    } catch (RuntimeException e) {
      Bench.log("could not delete queue q-" + run + ": " + e.getMessage());
    }
  }
}

package io.asynccatalog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** CPU and memory of a process from /proc: what a process used, whoever sent it work. */
final class Proc {
  /** Clock ticks per second of /proc's CPU times. */
  static final long TICKS = clockTicks();

  private Proc() {}

  /** User and system CPU of a process, in ticks; with {@code waitedChildren}, also of its children that ended. */
  static long cpuTicks(long pid, boolean waitedChildren) {
    String[] fields = statFields(Path.of("/proc", Long.toString(pid), "stat"));
    if (fields == null) {
      return 0;
    }
    // fields after the command's closing parenthesis: [0] is field 3 (state), so utime (14) is [11]
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return waitedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
  }

  static long cpuTicks(long pid) {
    return cpuTicks(pid, false);
  }

  /** CPU of the JIT compiler threads (C1 and C2) of a JVM, in ticks. */
  static long jitTicks(long pid) {
    long sum = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String comm = read(task.resolve("comm"));
        if (comm != null && (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre"))) {
          String[] fields = statFields(task.resolve("stat"));
          if (fields != null) {
            sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        }
      }
    } catch (IOException e) {
      return sum;
    }
    return sum;
  }

  /** Peak resident memory (VmHWM) in MB. */
  static long rssPeakMb(long pid) {
    return statusMb(pid, "VmHWM:");
  }

  /** Resident memory now (VmRSS) in MB: what a container's memory limit weighs, where the peak was a moment's. */
  static long rssMb(long pid) {
    return statusMb(pid, "VmRSS:");
  }

  private static long statusMb(long pid, String field) {
    String status = read(Path.of("/proc", Long.toString(pid), "status"));
    if (status == null) {
      return 0;
    }
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
      }
    }
    return 0;
  }

  /** Seconds of CPU from ticks. */
  static double seconds(long ticks) {
    return (double) ticks / TICKS;
  }

  private static String[] statFields(Path stat) {
    String text = read(stat);
    if (text == null) {
      return null;
    }
    return text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      getconf.waitFor();
      return Long.parseLong(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException | NumberFormatException e) {
      return 100;
    }
  }
}

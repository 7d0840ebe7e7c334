package io.asynccatalog.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One scrape of the service's Prometheus metrics, so that figures read together come from the same instant. */
final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SQS_REQUESTS =
      Pattern.compile("^catalog_sqs_requests_total\\{call=\"(send|receive|delete)\"} .*");

  private final List<String> lines;

  private Scrape(List<String> lines) {
    this.lines = lines;
  }

  /** A scrape of this Prometheus text. */
  static Scrape parse(String text) {
    return new Scrape(text.lines().toList());
  }

  static Scrape of(int port) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    try {
      return new Scrape(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().lines().toList());
    } catch (IOException e) {
      throw new IllegalStateException("no metrics on port " + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A meter's value, summed over its series when it has labels; 0 when absent. */
  double sum(String name) {
    double sum = 0;
    for (String line : lines) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += value(line);
      }
    }
    return sum;
  }

  /** Writes done: stored, or superseded by a later write of the same product (settled without a store write). */
  double settled() {
    return exact("catalog_products_stored_total") + exact("catalog_writes_superseded_total");
  }

  double accepted() {
    return sum("catalog_products_accepted_total");
  }

  /** SQS requests made so far (send + receive + delete): what SQS bills. */
  double sqsRequests() {
    return lines.stream().filter(line -> SQS_REQUESTS.matcher(line).matches()).mapToDouble(Scrape::value).sum();
  }

  /** A histogram's cumulative buckets, in the order listed: upper bounds in seconds and counts. */
  Buckets buckets(String histogram) {
    List<Double> bounds = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    String prefix = histogram + "_bucket{";
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        int le = line.indexOf("le=\"");
        String bound = line.substring(le + 4, line.indexOf('"', le + 4));
        bounds.add(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound));
        counts.add(value(line));
      }
    }
    return new Buckets(bounds, counts);
  }

  /** Cumulative histogram buckets of one scrape. */
  record Buckets(List<Double> bounds, List<Double> counts) {
    /** The q-quantile (the bucket's upper bound, seconds) of what was recorded since an earlier snapshot; 0 if none. */
    double quantileSince(Buckets before, double q) {
      if (bounds.isEmpty()) {
        return 0;
      }
      double total = counts.get(counts.size() - 1) - before.count(bounds.get(bounds.size() - 1));
      for (int i = 0; i < bounds.size(); i++) {
        double c = counts.get(i) - before.count(bounds.get(i));
        if (total > 0 && c >= q * total) {
          return bounds.get(i);
        }
      }
      return 0;
    }

    private double count(double bound) {
      int i = bounds.indexOf(bound);
      return i < 0 ? 0 : counts.get(i);
    }
  }

  private double exact(String name) {
    double sum = 0;
    for (String line : lines) {
      if (line.startsWith(name + " ")) {
        sum += value(line);
      }
    }
    return sum;
  }

  private static double value(String line) {
    String[] parts = line.trim().split("\\s+");
    return Double.parseDouble(parts[1]);
  }
}

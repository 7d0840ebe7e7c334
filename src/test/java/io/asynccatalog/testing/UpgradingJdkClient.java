package io.asynccatalog.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A JDK HTTP client in a JVM of its own (its read buffer is set by a system property read once per JVM): {@code n}
 * fresh clients each ask for {@code url} with {@code Version.HTTP_2}, so each request is an {@code Upgrade: h2c}.
 * Prints one line: how many answers came whole, over which versions, and how many failed; exits 0 only when all
 * came whole. Usage: {@code UpgradingJdkClient <url> <n> <expected length at least>}.
 */
public final class UpgradingJdkClient {
  private UpgradingJdkClient() {}

  public static void main(String[] args) {
    URI url = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    int atLeast = Integer.parseInt(args[2]);
    int whole = 0;
    int http2 = 0;
    StringBuilder failures = new StringBuilder();
    for (int i = 0; i < n; i++) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      try {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && answer.body().length() >= atLeast) {
          whole++;
          http2 += answer.version() == HttpClient.Version.HTTP_2 ? 1 : 0;
        } else {
          failures.append(" #").append(i).append(':').append(answer.statusCode());
        }
      } catch (Exception e) {
        failures.append(" #").append(i).append(':').append(e.getClass().getSimpleName());
      }
    }
    System.out.println("whole=" + whole + " of " + n + " http2=" + http2 + " bufsize="
        + System.getProperty("jdk.httpclient.bufsize", "(default)") + " failures:" + failures);
    System.exit(whole == n ? 0 : 1);
  }
}

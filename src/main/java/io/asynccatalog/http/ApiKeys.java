package io.asynccatalog.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * API-key check for write and admin routes: the {@code X-API-Key} header against the configured keys, compared in
 * constant time (every key is compared, whatever matched). Keys are never logged.
 */
public final class ApiKeys implements Handler<RoutingContext> {
  public static final String HEADER = "X-API-Key";

  private final List<byte[]> keys;

  public ApiKeys(List<String> keys) {
    this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
  }

  public boolean enabled() {
    return !keys.isEmpty();
  }

  public boolean accepts(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] key : keys) {
      match |= MessageDigest.isEqual(key, candidate);
    }
    return match;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!enabled() || accepts(ctx.request().getHeader(HEADER))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
    Problems.send(ctx, 401, "unauthorized", "Unauthorized",
        ctx.request().getHeader(HEADER) == null
            ? "This endpoint needs an API key in the " + HEADER + " header."
            : "The API key in " + HEADER + " is not valid.");
  }
}

package io.asynccatalog.http;

import io.asynccatalog.clients.ClientKeys;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * API-key check for write and admin routes: the {@code X-API-Key} header names the client whose key it is (see
 * {@link ClientKeys}); the request goes on as that client, or is answered 401. With keys off, every request is the
 * {@value ClientKeys#ANONYMOUS} client's. Keys are never logged.
 */
public final class ApiKeys implements Handler<RoutingContext> {
  public static final String HEADER = "X-API-Key";
  private static final String CLIENT = "catalog.client";

  private final ClientKeys keys;

  public ApiKeys(ClientKeys keys) {
    this.keys = keys;
  }

  public boolean enabled() {
    return keys.enabled();
  }

  /** The client the request was authenticated as ({@value ClientKeys#ANONYMOUS} with keys off). */
  public static String client(RoutingContext ctx) {
    String client = ctx.get(CLIENT);
    return client == null ? ClientKeys.ANONYMOUS : client;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!enabled()) {
      ctx.next();
      return;
    }
    String presented = ctx.request().getHeader(HEADER);
    String client = keys.clientOf(presented);
    if (client != null) {
      ctx.put(CLIENT, client);
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
    Problems.send(ctx, 401, "unauthorized", "Unauthorized", presented == null
        ? "This endpoint needs an API key in the " + HEADER + " header."
        : "The API key in " + HEADER + " is not valid.");
  }
}

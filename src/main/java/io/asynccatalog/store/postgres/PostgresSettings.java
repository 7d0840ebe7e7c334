package io.asynccatalog.store.postgres;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the PostgreSQL store is and how to reach it: from {@code CATALOG_POSTGRES_URL}
 * ({@code postgresql://user[:password]@host[:port]/database?sslmode=verify-full&sslrootcert=/path/ca.pem}) or the
 * standard libpq variables ({@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD},
 * {@code PGSSLMODE}, {@code PGSSLROOTCERT}); the URL's parts win over the variables. {@code verify-ca} and
 * {@code verify-full} check the server's certificate against {@code sslrootcert} (for Amazon RDS, its CA bundle) or
 * the JVM's trust store; {@code verify-full} checks the host name too. The password never appears in
 * {@link #toString()}, logs, errors or health checks.
 */
public record PostgresSettings(String host, int port, String database, String user, String password, SslMode sslMode,
                               String sslRootCert, int poolSize) {
  public static final int DEFAULT_PORT = 5432;

  /** A bad setting; the message names it and never holds the password. */
  public static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * From a URL (may be empty) and the libpq variables (the environment), with {@code poolSize} connections. Returns
   * null when neither names a host: local mode then starts its own server.
   */
  public static PostgresSettings from(String url, Map<String, String> env, int poolSize) {
    Map<String, String> parts = new HashMap<>();
    copy(env, "PGHOST", parts, "host");
    copy(env, "PGPORT", parts, "port");
    copy(env, "PGDATABASE", parts, "database");
    copy(env, "PGUSER", parts, "user");
    copy(env, "PGPASSWORD", parts, "password");
    copy(env, "PGSSLMODE", parts, "sslmode");
    copy(env, "PGSSLROOTCERT", parts, "sslrootcert");
    if (url != null && !url.isBlank()) {
      parts.putAll(parseUrl(url.trim()));
    }
    if (!parts.containsKey("host")) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(parts.getOrDefault("port", Integer.toString(DEFAULT_PORT)));
    } catch (NumberFormatException e) {
      throw new Invalid("CATALOG_POSTGRES_URL / PGPORT: the port is not a number");
    }
    String user = parts.getOrDefault("user", "postgres");
    return new PostgresSettings(parts.get("host"), port, parts.getOrDefault("database", user), user,
        parts.get("password"), sslMode(parts.getOrDefault("sslmode", "prefer")), parts.get("sslrootcert"), poolSize);
  }

  /** The server that local mode starts: loopback, no password, no TLS. */
  public static PostgresSettings local(int port, String database, int poolSize) {
    return new PostgresSettings("127.0.0.1", port, database, "postgres", null, SslMode.DISABLE, null, poolSize);
  }

  private static void copy(Map<String, String> env, String variable, Map<String, String> parts, String part) {
    String value = env.get(variable);
    if (value != null && !value.isBlank()) {
      parts.put(part, value.trim());
    }
  }

  private static Map<String, String> parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new Invalid("CATALOG_POSTGRES_URL: not a URL of the form postgresql://user@host:5432/database");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new Invalid("CATALOG_POSTGRES_URL: the scheme must be postgresql://");
    }
    Map<String, String> parts = new HashMap<>();
    if (uri.getHost() != null) {
      parts.put("host", uri.getHost());
    }
    if (uri.getPort() > 0) {
      parts.put("port", Integer.toString(uri.getPort()));
    }
    if (uri.getRawUserInfo() != null) {
      String[] user = uri.getRawUserInfo().split(":", 2);
      parts.put("user", decode(user[0]));
      if (user.length > 1) {
        parts.put("password", decode(user[1]));
      }
    }
    String path = uri.getRawPath();
    if (path != null && path.length() > 1) {
      parts.put("database", decode(path.substring(1)));
    }
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv.length == 2 && (kv[0].equals("sslmode") || kv[0].equals("sslrootcert"))) {
          parts.put(kv[0], decode(kv[1]));
        }
      }
    }
    return parts;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static SslMode sslMode(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "disable" -> SslMode.DISABLE;
      case "allow" -> SslMode.ALLOW;
      case "prefer" -> SslMode.PREFER;
      case "require" -> SslMode.REQUIRE;
      case "verify-ca" -> SslMode.VERIFY_CA;
      case "verify-full" -> SslMode.VERIFY_FULL;
      default -> throw new Invalid("CATALOG_POSTGRES_URL / PGSSLMODE: sslmode must be disable, allow, prefer, require,"
          + " verify-ca or verify-full, not '" + text + "'");
    };
  }

  /** The reactive client's options: the server, the TLS mode and, when verifying, the trusted CAs. */
  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setSslMode(sslMode).setPipeliningLimit(256).setCachePreparedStatements(true);
    if (password != null) {
      options.setPassword(password);
    }
    if (sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL) {
      ClientSSLOptions ssl = new ClientSSLOptions()
          .setHostnameVerificationAlgorithm(sslMode == SslMode.VERIFY_FULL ? "HTTPS" : "");
      if (sslRootCert != null) {
        ssl.setTrustOptions(new PemTrustOptions().addCertPath(sslRootCert));
      }
      options.setSslOptions(ssl);
    } else if (sslMode == SslMode.REQUIRE || sslMode == SslMode.PREFER || sslMode == SslMode.ALLOW) {
      // libpq's require, prefer and allow encrypt without checking who answers: so do they here
      options.setSslOptions(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
    }
    return options;
  }

  /** The JDBC URL the migration tool uses at start (never on an event loop), with the same TLS settings. */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host.contains(":") ? "[" + host + "]" : host)
        .append(':').append(port).append('/').append(database).append("?sslmode=").append(sslMode.value);
    if (sslRootCert != null) {
      url.append("&sslrootcert=").append(java.net.URLEncoder.encode(sslRootCert, StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  /** Where it connects, for logs: never the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + "?sslmode=" + sslMode.value;
  }

  @Override
  public String toString() {
    return describe();
  }
}

package io.asynccatalog.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The clients allowed to write, each with one or more API keys (two at once while a key is rotated), from
 * {@code CATALOG_API_KEYS}: {@code name:secret}, {@code name:sha256:<64 hex digits>} (the key's SHA-256, so that the
 * configuration does not hold the key), or a bare {@code secret} (client {@value #DEFAULT}). Only digests are kept;
 * a presented key is hashed once and compared with every digest in constant time, whichever matches.
 */
public final class ClientKeys {
  /** The client of keys configured without a name. */
  public static final String DEFAULT = "default";
  /** The one client there is when API keys are off. */
  public static final String ANONYMOUS = "anonymous";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
  private static final String SHA256 = "sha256:";

  private record Key(String client, byte[] digest) {}

  private final List<Key> keys;
  private final List<String> names;

  private ClientKeys(List<Key> keys, List<String> names) {
    this.keys = List.copyOf(keys);
    this.names = List.copyOf(names);
  }

  /** Keys off: every request is the {@value #ANONYMOUS} client's. */
  public static ClientKeys off() {
    return new ClientKeys(List.of(), List.of(ANONYMOUS));
  }

  /**
   * Parses the configured entries; each bad entry is reported to {@code problems} by its position, never by its
   * content (it may be a key).
   */
  public static ClientKeys parse(List<String> entries, Consumer<String> problems) {
    List<Key> keys = new ArrayList<>();
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i).trim();
      String where = "CATALOG_API_KEYS: entry " + (i + 1) + " of " + entries.size() + ": ";
      int colon = entry.indexOf(':');
      String name = colon < 0 ? DEFAULT : entry.substring(0, colon);
      String secret = colon < 0 ? entry : entry.substring(colon + 1);
      if (!NAME.matcher(name).matches()) {
        problems.accept(where + "the client name before ':' must be 1 to 64 letters, digits, '.', '_' or '-' and "
            + "start with a letter or digit (a bare key containing ':' is written 'default:<key>')");
        continue;
      }
      if (name.equals(ANONYMOUS)) {
        problems.accept(where + "'" + ANONYMOUS + "' is reserved for requests without keys; name the client otherwise");
        continue;
      }
      byte[] digest;
      if (secret.startsWith(SHA256)) {
        String hex = secret.substring(SHA256.length());
        if (!DIGEST.matcher(hex).matches()) {
          problems.accept(where + "after 'sha256:' come the key's SHA-256 digest as 64 hexadecimal digits");
          continue;
        }
        digest = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
      } else if (secret.isEmpty()) {
        problems.accept(where + "the key is empty");
        continue;
      } else {
        digest = sha256(secret);
      }
      keys.add(new Key(name, digest));
      names.add(name);
    }
    return new ClientKeys(keys, new ArrayList<>(names));
  }

  /** Whether requests must present a key. */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /** Every client name there can be, in configuration order: a bounded set, fit for metric labels. */
  public List<String> names() {
    return names;
  }

  /** The client whose key {@code presented} is, or null; the time taken does not depend on which key matches. */
  public String clientOf(String presented) {
    if (presented == null) {
      return null;
    }
    byte[] candidate = sha256(presented);
    String client = null;
    for (Key key : keys) {
      if (MessageDigest.isEqual(key.digest(), candidate) && client == null) {
        client = key.client();
      }
    }
    return client;
  }

  /** The SHA-256 of a key as configured after {@code name:sha256:} (lower-case hex). */
  public static String digestOf(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Names and how many keys: never a key or a digest. */
  @Override
  public String toString() {
    return "ClientKeys[clients=" + names + ", keys=" + keys.size() + "]";
  }
}

package io.asynccatalog.clients;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Products per second and burst per client, per instance: {@code CATALOG_RATE_LIMIT_PER_SECOND} and
 * {@code CATALOG_RATE_LIMIT_BURST} for every client, {@code CATALOG_RATE_LIMITS} ({@code name=rate[/burst],...})
 * for some. A rate of 0 is no limit; a burst of 0 is one second of the rate.
 */
public record RateLimits(Limit defaults, Map<String, Limit> overrides) {
  private static final Pattern OVERRIDE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63})=(\\d{1,9})(?:/(\\d{1,10}))?");

  /** A token bucket: {@code perSecond} products refilled each second, at most {@code burst} saved up. */
  public record Limit(long perSecond, long burst) {
    public static final Limit NONE = new Limit(0, 0);

    public Limit {
      burst = perSecond > 0 && burst == 0 ? perSecond : burst;
    }

    public boolean unlimited() {
      return perSecond == 0;
    }

    @Override
    public String toString() {
      return unlimited() ? "unlimited" : perSecond + "/s, burst " + burst;
    }
  }

  public RateLimits {
    overrides = Map.copyOf(overrides);
  }

  public static RateLimits none() {
    return new RateLimits(Limit.NONE, Map.of());
  }

  /** The limit of one client. */
  public Limit of(String client) {
    return overrides.getOrDefault(client, defaults);
  }

  /** Reads the overrides; names must be clients that exist ({@code clients}), each bad entry goes to {@code problems}. */
  public static RateLimits parse(long perSecond, long burst, String overrides, Collection<String> clients,
                                 Consumer<String> problems) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    if (overrides != null && !overrides.isBlank()) {
      for (String entry : overrides.split(",")) {
        Matcher m = OVERRIDE.matcher(entry.trim());
        if (!m.matches()) {
          problems.accept("CATALOG_RATE_LIMITS: '" + entry.trim() + "' is not name=products-per-second[/burst], "
              + "e.g. importer=5000/20000");
        } else if (!clients.contains(m.group(1))) {
          problems.accept("CATALOG_RATE_LIMITS: there is no client '" + m.group(1) + "'; the clients are " + clients
              + " (named in CATALOG_API_KEYS, or 'anonymous' when keys are off)");
        } else if (limits.containsKey(m.group(1))) {
          problems.accept("CATALOG_RATE_LIMITS: client '" + m.group(1) + "' is given twice");
        } else {
          limits.put(m.group(1), new Limit(Long.parseLong(m.group(2)),
              m.group(3) == null ? 0 : Long.parseLong(m.group(3))));
        }
      }
    }
    return new RateLimits(new Limit(perSecond, burst), limits);
  }
}

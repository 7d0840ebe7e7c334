package io.asynccatalog.config;

import java.util.List;

/** Secret values from the configuration; printing one shows how many there are, never what they are. */
public record Secret(List<String> values) {
  public Secret {
    values = List.copyOf(values);
  }

  @Override
  public String toString() {
    return "Secret[" + values.size() + " value(s)]";
  }
}

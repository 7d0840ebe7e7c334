package io.asynccatalog.config;

import io.asynccatalog.StartupException;

/** A configuration value that cannot be used; the message names the key. */
public final class ConfigException extends StartupException {
  public ConfigException(String message) {
    super(message);
  }
}

package io.peerwatt.deploy;

import java.util.Locale;

/**
 * One setting of a {@code peerwatt} process: its dotted YAML name ({@code http.port} is {@code
 * port:} under {@code http:}), the environment variable that overrides it, its default and what it
 * means.
 */
public record ConfigKey(String name, String defaultValue, String description) {

  /** {@code http.port} -> {@code PEERWATT_HTTP_PORT}; hyphens become underscores too. */
  public String envName() {
    return "PEERWATT_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}

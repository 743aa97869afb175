package io.peerwatt.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which parts of the platform one node runs, and the Kafka cluster the nodes share. Without {@code
 * kafka.bootstrap-servers} there is no cluster: one process runs every role, as it always did.
 *
 * @param bootstrapServers the brokers as {@code host:port} (empty: no Kafka, one process)
 * @param nodeId this node's name among the nodes (its Kafka client ids carry it); null without
 *     Kafka
 * @param roles what this node runs
 */
public record ClusterSettings(List<String> bootstrapServers, String nodeId, Set<Role> roles) {

  /** A part of the platform a node runs; the lower-case name is what {@code --roles} takes. */
  public enum Role {
    /** The HTTP API (all but reading uploads) and the portal. */
    API,
    /** Reading uploads ({@code POST /api/v1/readings}) and, with Kafka, the readings writer. */
    INGEST,
    /** The market: order books, matching, standing rules. */
    MARKET,
    /** The settlement pass: statements, payments, channels, anchoring. */
    SETTLEMENT;

    /** The name {@code --roles} takes. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:(\\d{1,5})");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public ClusterSettings {
    bootstrapServers = List.copyOf(bootstrapServers);
    roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
  }

  /** Today's single process: no Kafka, every role. */
  public static ClusterSettings singleProcess() {
    return new ClusterSettings(List.of(), null, EnumSet.allOf(Role.class));
  }

  /**
   * Parses and checks the settings.
   *
   * @param bootstrapServers {@code kafka.bootstrap-servers}: comma-separated {@code host:port};
   *     null or blank for no Kafka
   * @param nodeId {@code node.id}; required with Kafka
   * @param roles {@code --roles}: comma-separated role names; null or blank for every role
   * @throws IllegalArgumentException with a message that says what to change
   */
  public static ClusterSettings parse(String bootstrapServers, String nodeId, String roles) {
    List<String> servers = new ArrayList<>();
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      for (String part : bootstrapServers.split(",")) {
        String server = part.strip();
        var m = HOST_PORT.matcher(server);
        if (!m.matches()
            || Integer.parseInt(m.group(1)) < 1
            || Integer.parseInt(m.group(1)) > 65535) {
          throw new IllegalArgumentException(
              "kafka.bootstrap-servers: '"
                  + server
                  + "' is not host:port (e.g. kafka-1:9092,kafka-2:9092)");
        }
        servers.add(server);
      }
    }
    Set<Role> parsedRoles = roles(roles);
    boolean everyRole = parsedRoles.size() == Role.values().length;
    if (servers.isEmpty()) {
      if (!everyRole) {
        throw new IllegalArgumentException(
            "--roles "
                + names(parsedRoles)
                + " needs kafka.bootstrap-servers: without Kafka one process runs every role"
                + " (leave out --roles, or configure the Kafka cluster the other nodes share)");
      }
      if (nodeId != null && !nodeId.isBlank()) {
        throw new IllegalArgumentException(
            "node.id names a node of a cluster: set kafka.bootstrap-servers too, or remove node.id");
      }
      return singleProcess();
    }
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException(
          "node.id is required with kafka.bootstrap-servers: a name unique among the nodes, e.g."
              + " node-1");
    }
    if (!NODE_ID.matcher(nodeId.strip()).matches()) {
      throw new IllegalArgumentException(
          "node.id: '" + nodeId + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return new ClusterSettings(servers, nodeId.strip(), parsedRoles);
  }

  private static Set<Role> roles(String text) {
    if (text == null || text.isBlank()) {
      return EnumSet.allOf(Role.class);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split(",")) {
      String name = part.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      Role role =
          Arrays.stream(Role.values())
              .filter(r -> r.wireName().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--roles: unknown role '"
                              + part.strip()
                              + "'; the roles are "
                              + names(EnumSet.allOf(Role.class))));
      roles.add(role);
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(
          "--roles names no role; the roles are " + names(EnumSet.allOf(Role.class)));
    }
    return roles;
  }

  private static String names(Set<Role> roles) {
    return roles.stream().map(Role::wireName).collect(Collectors.joining(","));
  }

  /** True when the nodes share a Kafka cluster. */
  public boolean kafka() {
    return !bootstrapServers.isEmpty();
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  /** {@code kafka.bootstrap-servers} as Kafka's clients take it. */
  public String bootstrapServersConfig() {
    return String.join(",", bootstrapServers);
  }

  /** The roles as {@code --roles} spells them. */
  public String roleNames() {
    return names(roles);
  }
}

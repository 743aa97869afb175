package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @Test
  void fileThenEnvironmentThenFlags(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("platform.yaml"),
            """
        http:
          port: 9000
          host: 0.0.0.0
        db:
          url: jdbc:postgresql://db:5432/peerwatt
          user: peerwatt
        """);
    Files.writeString(dir.resolve("pw"), "s3cret\n");
    Config config =
        Config.load(
            PlatformSettings.KEYS,
            file,
            Map.of(
                "PEERWATT_HTTP_PORT",
                "9100",
                "PEERWATT_DB_PASSWORD_FILE",
                dir.resolve("pw").toString()),
            Map.of("data-dir", "/srv/peerwatt"));
    PlatformSettings s = PlatformSettings.from(config);
    assertThat(s.httpPort()).isEqualTo(9100);
    assertThat(s.httpHost()).isEqualTo("0.0.0.0");
    assertThat(s.dataDir()).isEqualTo(Path.of("/srv/peerwatt"));
    assertThat(s.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/peerwatt");
    assertThat(s.database().password()).isEqualTo("s3cret");
    assertThat(s.database().isEmbedded()).isFalse();
  }

  /** Issue 17: the node's roles and Kafka keys; a role subset without Kafka is refused. */
  @Test
  void clusterKeysAndRoles() {
    Config cluster =
        Config.load(
            PlatformSettings.KEYS,
            null,
            Map.of(
                "PEERWATT_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092",
                "PEERWATT_NODE_ID", "node-2"),
            Map.of());
    PlatformSettings node = PlatformSettings.from(cluster, "ingest");
    assertThat(node.cluster().kafka()).isTrue();
    assertThat(node.cluster().nodeId()).isEqualTo("node-2");
    assertThat(node.cluster().roleNames()).isEqualTo("ingest");

    Config single = Config.load(PlatformSettings.KEYS, null, Map.of(), Map.of());
    assertThat(PlatformSettings.from(single).cluster().kafka()).isFalse();
    assertThatThrownBy(() -> PlatformSettings.from(single, "api,market"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("--roles api,market needs kafka.bootstrap-servers");
  }

  /** Issue 14, item 4: the session cookie is Secure unless the platform listens on loopback. */
  @Test
  void theSessionCookieIsSecureByDefaultOutsideLoopbackAndAsConfigured() {
    assertThat(secureCookie("127.0.0.1", null)).isFalse();
    assertThat(secureCookie("::1", null)).isFalse();
    assertThat(secureCookie("localhost", null)).isFalse();
    assertThat(secureCookie("0.0.0.0", null)).isTrue();
    assertThat(secureCookie("192.0.2.7", null)).isTrue();
    assertThat(secureCookie("0.0.0.0", "false")).isFalse();
    assertThat(secureCookie("127.0.0.1", "true")).isTrue();
    assertThatThrownBy(() -> secureCookie("0.0.0.0", "yes"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("http.secure-cookie");
  }

  @Test
  void openAdrCallbacksToPrivateAddressesOnlyOnALoopbackPlatformOrAsConfigured() {
    assertThat(privateCallbacks("127.0.0.1", null)).isTrue();
    assertThat(privateCallbacks("localhost", null)).isTrue();
    assertThat(privateCallbacks("0.0.0.0", null)).isFalse();
    assertThat(privateCallbacks("0.0.0.0", "true")).isTrue();
    assertThat(privateCallbacks("127.0.0.1", "false")).isFalse();
    assertThatThrownBy(() -> privateCallbacks("0.0.0.0", "maybe"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("openadr.private-callbacks");
  }

  private static boolean privateCallbacks(String host, String configured) {
    Map<String, String> flags = new HashMap<>(Map.of("http.host", host));
    if (configured != null) {
      flags.put("openadr.private-callbacks", configured);
    }
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), flags))
        .trading()
        .privateCallbacks();
  }

  private static boolean secureCookie(String host, String secureCookie) {
    Map<String, String> flags = new HashMap<>(Map.of("http.host", host));
    if (secureCookie != null) {
      flags.put("http.secure-cookie", secureCookie);
    }
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), flags))
        .secureCookie();
  }

  @Test
  void defaultsAreEmbeddedOnPort8080InHomeDir() {
    PlatformSettings s =
        PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), Map.of()));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".peerwatt"));
    assertThat(s.database().isEmbedded()).isTrue();
  }

  @Test
  void unknownKeyNamesTheKeyAndTheFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("platform.yaml"), "http:\n  prot: 9000\n");
    assertThatThrownBy(() -> Config.load(PlatformSettings.KEYS, file, Map.of(), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("unknown config key 'http.prot' in " + file);
  }

  @Test
  void badNumbersSayWhereTheyCameFrom() {
    Config config =
        Config.load(PlatformSettings.KEYS, null, Map.of("PEERWATT_HTTP_PORT", "eighty"), Map.of());
    assertThatThrownBy(() -> PlatformSettings.from(config))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "config key 'http.port' must be a whole number from 0 to 65535, got 'eighty' from environment PEERWATT_HTTP_PORT");
  }

  @Test
  void commandLineUserErrorsAreOneLineAndExitTwo(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.yaml"), "colour: blue\n");
    assertThat(PeerwattCommand.run("platform", "--config", file.toString())).isEqualTo(2);
  }
}

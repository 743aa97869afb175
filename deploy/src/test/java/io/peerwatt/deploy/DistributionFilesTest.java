package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.peerwatt.cluster.settlement.SettlementEventLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files an operator deploys from: the compose file (and `docker-compose config` where a Compose
 * client is installed), the systemd units (`systemd-analyze verify` where systemd is) and the
 * example production platform.yaml, read by the platform's own configuration code.
 */
class DistributionFilesTest {
  private static final Path DEPLOY = Path.of(System.getProperty("peerwatt.root"), "deploy");
  @TempDir Path dir;

  @Test
  void theComposeFileRunsPostgresAndThePlatformWithVolumesAndHealthChecks() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(DEPLOY.resolve("compose.yaml").toFile());
    JsonNode db = compose.path("services").path("db");
    JsonNode platform = compose.path("services").path("platform");
    assertThat(db.path("image").asText()).startsWith("postgres:");
    assertThat(db.path("healthcheck").path("test").toString()).contains("pg_isready");
    assertThat(db.path("volumes").toString()).contains("/var/lib/postgresql/data");
    assertThat(platform.path("depends_on").path("db").path("condition").asText())
        .isEqualTo("service_healthy");
    assertThat(platform.path("healthcheck").path("test").toString()).contains("/health");
    assertThat(platform.path("environment").path("PEERWATT_DB_PASSWORD_FILE").asText())
        .isEqualTo("/run/secrets/db-password");
    assertThat(platform.path("volumes").toString()).contains("/var/lib/peerwatt");
    assertThat(platform.path("ports").toString()).contains("127.0.0.1:8080:8080");

    composeConfig("compose.yaml");
  }

  /** Issue 17, item 5: Kafka in KRaft mode, PostgreSQL, two platform nodes and a load balancer. */
  @Test
  void theClusterComposeFileRunsKafkaPostgresTwoNodesAndABalancer() throws Exception {
    String text = Files.readString(DEPLOY.resolve("compose.cluster.yaml"));
    // SnakeYAML resolves the file's anchors and merge keys as Compose does
    Map<String, Map<String, Object>> services =
        new org.yaml.snakeyaml.Yaml()
            .<Map<String, Map<String, Map<String, Object>>>>load(text)
            .get("services");
    assertThat(services)
        .containsKeys(
            "db", "kafka-1", "kafka-2", "kafka-3", "kafka-topics", "node-1", "node-2", "balancer");
    for (String kafka : List.of("kafka-1", "kafka-2", "kafka-3")) {
      assertThat(String.valueOf(services.get(kafka).get("image"))).startsWith("apache/kafka:4.1");
      assertThat(map(services.get(kafka).get("environment")))
          .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
          .containsEntry(
              "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry(
              "KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS", "1000")
          .containsEntry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
          .containsEntry("KAFKA_GROUP_CONSUMER_SESSION_TIMEOUT_MS", "6000")
          .containsEntry("KAFKA_NODE_ID", kafka.substring("kafka-".length()));
    }
    assertThat(String.valueOf(services.get("kafka-topics").get("command")))
        .contains("--topic peerwatt.readings --partitions 8 --replication-factor 3")
        .contains(
            "--topic "
                + SettlementEventLog.TOPIC
                + " --partitions "
                + SettlementEventLog.PARTITIONS
                + " --replication-factor 3");
    assertThat(String.valueOf(services.get("db").get("image"))).startsWith("postgres:");
    for (String node : List.of("node-1", "node-2")) {
      assertThat(map(services.get(node).get("environment")))
          .containsEntry("PEERWATT_NODE_ID", node)
          .containsEntry(
              "PEERWATT_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092,kafka-3:9092")
          .containsEntry("PEERWATT_DB_PASSWORD_FILE", "/run/secrets/db-password")
          .containsEntry("PEERWATT_KAFKA_ZONE_PARTITIONS", "12");
    }
    assertThat(String.valueOf(services.get("node-2").get("command")))
        .isEqualTo("[platform, --roles, api,ingest,market]");
    assertThat(String.valueOf(services.get("balancer").get("ports")))
        .contains("127.0.0.1:8080:8080");
    assertThat(Files.readString(DEPLOY.resolve("nginx.cluster.conf")))
        .contains("server node-1:8080")
        .contains("server node-2:8080")
        .contains("proxy_next_upstream error timeout http_503");
    composeConfig("compose.cluster.yaml");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object yaml) {
    return (Map<String, Object>) yaml;
  }

  /** {@code docker-compose config} accepts {@code file}, where a Compose client is installed. */
  private static void composeConfig(String file) throws Exception {
    List<String> client = compose();
    assumeTrue(
        client != null,
        "no Docker Compose client (docker compose / docker-compose): `config` check skipped");
    List<String> command = new java.util.ArrayList<>(client);
    command.addAll(List.of("-f", DEPLOY.resolve(file).toString(), "config", "--quiet"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(file + ": " + out).isZero();
  }

  @Test
  void theSystemdUnitsVerify() throws Exception {
    for (String unit : List.of("peerwatt-platform.service", "peerwatt-gateway.service")) {
      String text = Files.readString(DEPLOY.resolve("systemd").resolve(unit));
      assertThat(text)
          .contains("[Service]")
          .contains("User=peerwatt")
          .contains("ExecStart=/usr/bin/java")
          .contains("NoNewPrivileges=true")
          .contains("[Install]");
    }
    assumeTrue(onPath("systemd-analyze"), "no systemd-analyze: unit verification skipped");
    for (String unit : List.of("peerwatt-platform.service", "peerwatt-gateway.service")) {
      Process p =
          new ProcessBuilder(
                  "systemd-analyze", "verify", DEPLOY.resolve("systemd").resolve(unit).toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(unit + ": " + out).isZero();
    }
  }

  @Test
  void theExampleProductionConfigIsReadByThePlatform() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "s3cret\n");
    Map<String, String> env =
        Map.of(
            "PEERWATT_DB_PASSWORD_FILE",
            secret.toString(),
            "PEERWATT_CHAIN_ARC_API_KEY_FILE",
            secret.toString(),
            "PEERWATT_CHAIN_HEADERS_API_KEY_FILE",
            secret.toString());
    Config config =
        Config.load(
            ChainSettings.withPlatformKeys(),
            DEPLOY.resolve("examples").resolve("platform.yaml"),
            env,
            Map.of());
    PlatformSettings settings = PlatformSettings.from(config);
    assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
    assertThat(settings.database().jdbcUrl()).startsWith("jdbc:postgresql://");
    ChainSettings chain = ChainSettings.from(config);
    assertThat(chain.backend()).isEqualTo("arc");
  }

  private static List<String> compose() {
    if (onPath("docker-compose")) {
      return List.of("docker-compose");
    }
    try {
      Process p =
          new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
          ? List.of("docker", "compose")
          : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  private static boolean onPath(String command) {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dirName, command))) {
        return true;
      }
    }
    return false;
  }
}

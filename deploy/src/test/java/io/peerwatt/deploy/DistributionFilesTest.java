package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

    List<String> client = compose();
    assumeTrue(
        client != null,
        "no Docker Compose client (docker compose / docker-compose): `config` check skipped");
    List<String> command = new java.util.ArrayList<>(client);
    command.addAll(List.of("-f", DEPLOY.resolve("compose.yaml").toString(), "config", "--quiet"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
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

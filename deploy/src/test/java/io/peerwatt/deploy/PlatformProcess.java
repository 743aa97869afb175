package io.peerwatt.deploy;

import io.peerwatt.db.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code peerwatt platform --roles ...} in a JVM of its own ({@code -Xmx256m}, one processor) on
 * the test's database and Kafka cluster, so a test can {@code kill -9} it.
 */
final class PlatformProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("PeerWatt platform: http://[^:]+:(\\d+)");

  private final String nodeId;
  private final Process process;

  private PlatformProcess(String nodeId, Process process) {
    this.nodeId = nodeId;
    this.process = process;
  }

  /**
   * Starts node {@code nodeId} with {@code roles} on {@code dataDir} (shared with the test's
   * in-process node: the same platform keys); {@code env} adds configuration.
   */
  static PlatformProcess start(
      Path dataDir,
      TestDatabase db,
      String bootstrap,
      String nodeId,
      String roles,
      Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:ActiveProcessorCount=1",
                "-cp",
                System.getProperty("java.class.path"),
                PeerwattCommand.class.getName(),
                "platform",
                "--roles",
                roles,
                "--port",
                "0",
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true);
    builder.environment().put("PEERWATT_DB_URL", db.jdbcUrl());
    builder.environment().put("PEERWATT_DB_USER", db.user());
    if (db.password() != null) {
      builder.environment().put("PEERWATT_DB_PASSWORD", db.password());
    }
    builder.environment().put("PEERWATT_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    builder.environment().put("PEERWATT_NODE_ID", nodeId);
    builder.environment().putAll(env);
    return new PlatformProcess(nodeId, builder.start());
  }

  /** Reads the node's output until it says where it listens; keeps draining it after that. */
  int awaitPort() throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  } else if (!port.isDone()) {
                    output.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the node was killed
              }
              port.completeExceptionally(
                  new AssertionError("node " + nodeId + " ended before it listened:\n" + output));
            },
            "node-" + nodeId + "-output");
    reader.setDaemon(true);
    reader.start();
    return port.get(120, TimeUnit.SECONDS);
  }

  /** {@code kill -9}: the JVM ends at once, without its shutdown hooks. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}

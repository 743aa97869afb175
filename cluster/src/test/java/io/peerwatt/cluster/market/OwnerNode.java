package io.peerwatt.cluster.market;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ZoneOwnerProcess} child JVM ({@code -Xmx256m -XX:ActiveProcessorCount=1}, the test
 * classpath) and what it said: the partitions it owns now, and every event with its time.
 */
final class OwnerNode implements AutoCloseable {
  /** One {@code EVENT} line. */
  record Event(long atMillis, String what) {}

  final String nodeId;
  private final Process process;
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private final List<Event> events = new CopyOnWriteArrayList<>();

  private OwnerNode(String nodeId, Process process) {
    this.nodeId = nodeId;
    this.process = process;
    Thread pump = new Thread(this::pump, "owner-" + nodeId + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  static OwnerNode start(
      String bootstrap,
      String nodeId,
      String groupId,
      String topicPrefix,
      int partitions,
      int snapshotEvery)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-XX:ActiveProcessorCount=1");
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ZoneOwnerProcess.class.getName(),
            bootstrap,
            nodeId,
            groupId,
            topicPrefix,
            String.valueOf(partitions),
            String.valueOf(snapshotEvery)));
    return new OwnerNode(nodeId, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void pump() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        System.out.println(nodeId + ": " + line);
        if (!line.startsWith("EVENT ")) {
          continue;
        }
        String[] fields = line.split(" ", 3);
        String what = fields[2];
        events.add(new Event(Long.parseLong(fields[1]), what));
        if (what.startsWith("assigned ")) {
          owned.addAll(partitions(what));
        } else if (what.startsWith("released ")) {
          owned.removeAll(partitions(what));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private static List<Integer> partitions(String what) {
    return List.of(what.substring(what.indexOf(' ') + 1).split(",")).stream()
        .map(Integer::valueOf)
        .toList();
  }

  Set<Integer> owned() {
    return Set.copyOf(owned);
  }

  /** The events since {@code fromMillis} whose text starts with {@code prefix}. */
  List<Event> events(String prefix, long fromMillis) {
    return events.stream()
        .filter(e -> e.atMillis() >= fromMillis && e.what().startsWith(prefix))
        .toList();
  }

  void kill() {
    process.destroyForcibly();
  }

  void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }
}

package io.peerwatt.cluster.market;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;

/**
 * The market role of a platform node as its own JVM, for the failover tests: a {@link ZoneOwner}
 * over the {@link TestZones}, telling what happens as {@code EVENT <epoch millis> <what>} lines on
 * stdout. Arguments: bootstrap servers, node id, group id, topic prefix, partitions, snapshot
 * interval (commands).
 */
public final class ZoneOwnerProcess {
  private ZoneOwnerProcess() {}

  public static void main(String[] args) {
    ZoneOwner.Settings settings =
        new ZoneOwner.Settings(
            args[0],
            args[1],
            args[2],
            ZoneTopics.named(args[3]),
            TestZones.shards(Integer.parseInt(args[4])),
            Integer.parseInt(args[5]),
            Duration.ofSeconds(6),
            Duration.ofSeconds(5));
    ZoneOwner owner =
        new ZoneOwner(
            settings,
            TestZones::config,
            new ZoneOwner.Listener() {
              @Override
              public void assigned(Set<Integer> partitions) {
                event("assigned " + list(partitions));
              }

              @Override
              public void released(Set<Integer> partitions) {
                event("released " + list(partitions));
              }

              @Override
              public void restored(
                  int partition,
                  long snapshotOffset,
                  long committedOffset,
                  long replayed,
                  Duration took) {
                event(
                    "restored "
                        + partition
                        + " "
                        + snapshotOffset
                        + " "
                        + committedOffset
                        + " "
                        + replayed
                        + " "
                        + took.toMillis());
              }

              @Override
              public void fenced(KafkaException cause) {
                event("fenced " + cause.getClass().getSimpleName());
              }
            });
    event("ready " + ProcessHandle.current().pid());
    owner.run();
  }

  private static String list(Set<Integer> partitions) {
    return partitions.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static void event(String what) {
    System.out.println("EVENT " + System.currentTimeMillis() + " " + what);
    System.out.flush();
  }
}

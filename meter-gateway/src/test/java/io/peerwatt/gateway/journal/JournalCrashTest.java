package io.peerwatt.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at random points while it appends, then recovers the journal: no
 * reading whose append returned (fsynced) is lost, none is doubled, sequences stay contiguous.
 */
class JournalCrashTest {
  @TempDir Path dir;

  @Test
  void sigkillDuringAppendsLosesNothingAcknowledgedAndDoublesNothing() throws Exception {
    Random random = new Random(20261125);
    long highestStored = 0;
    long highestAcked = 0;
    int rounds = 6;
    for (int round = 0; round < rounds; round++) {
      List<String> lines = new CopyOnWriteArrayList<>();
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "-Dlogback.configurationFile="
                      + System.getProperty("logback.configurationFile", ""),
                  JournalCrashChild.class.getName(),
                  dir.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (java.io.IOException e) {
                  // the pipe breaks when the child is killed
                }
              });
      reader.start();
      // let it get going, then kill it somewhere in the middle of its appends
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lines.size() < 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(50 + random.nextInt(400));
      child.destroyForcibly(); // SIGKILL on Linux
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // the pipe reaches end-of-file once the child is dead; read every line it wrote before
      // judging
      reader.join(60_000);
      assertThat(reader.isAlive()).as("reader drained the child's output").isFalse();

      for (String line : lines) {
        String[] parts = line.split(" ");
        long n = Long.parseLong(parts[1]);
        if (parts[0].equals("stored")) {
          assertThat(n).as("sequences continue across crashes").isGreaterThan(highestStored);
          highestStored = n;
        } else {
          highestAcked = Math.max(highestAcked, n);
        }
      }
      assertThat(highestStored).as("child appended in round " + round).isPositive();

      try (Journal journal = Journal.open(dir, 1 << 22, 1 << 14)) {
        List<JournalEntry> left = journal.pending(1_000_000);
        assertThat(journal.ackedThrough()).isGreaterThanOrEqualTo(highestAcked);
        List<Long> sequences = new ArrayList<>();
        for (JournalEntry e : left) {
          sequences.add(e.sequence());
          assertThat(ByteBuffer.wrap(e.readingHash()).getLong()).isEqualTo(e.sequence());
          assertThat(ByteBuffer.wrap(e.signedReading()).getLong())
              .isEqualTo(e.sequence() ^ 0x5A5A5A5AL);
          assertThat(e.signedReading()).hasSize(64 + (int) (e.sequence() % 50));
        }
        long first = journal.ackedThrough() + 1;
        // contiguous from the ack pointer, no doubles, and everything the child saw stored is there
        for (int i = 0; i < sequences.size(); i++) {
          assertThat(sequences.get(i)).isEqualTo(first + i);
        }
        long last = journal.nextSequence() - 1;
        assertThat(last).isGreaterThanOrEqualTo(highestStored);
        // appends the child finished but had not yet reported (its output still in flight when
        // killed) may
        // be on disk beyond highestStored; they are contiguous and single, which the loop above
        // checked
        highestStored = last;
      }
    }
  }
}

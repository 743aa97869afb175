package io.peerwatt.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final long SEGMENT = 4096;
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @TempDir Path dir;

  static JournalEntry entry(Journal journal, boolean boundary, int payloadBytes) {
    long seq = journal.nextSequence();
    byte[] hash = new byte[32];
    ByteBuffer.wrap(hash).putLong(seq);
    byte[] payload = new byte[payloadBytes];
    payload[0] = (byte) seq;
    return new JournalEntry(seq, T0.plusSeconds(60 * seq), boundary, hash, payload);
  }

  @Test
  void sequenceAndHashSurviveReopen() throws IOException {
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      assertThat(journal.nextSequence()).isEqualTo(1);
      assertThat(journal.lastHash()).isEqualTo(new byte[32]);
      for (int i = 0; i < 50; i++) {
        assertThat(journal.append(entry(journal, i % 15 == 0, 100)))
            .isEqualTo(Journal.AppendOutcome.STORED);
      }
    }
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      assertThat(journal.nextSequence()).isEqualTo(51);
      assertThat(ByteBuffer.wrap(journal.lastHash()).getLong()).isEqualTo(50);
      List<JournalEntry> all = journal.pending(1000);
      assertThat(all)
          .extracting(JournalEntry::sequence)
          .containsExactlyElementsOf(Stream.iterate(1L, s -> s + 1).limit(50).toList());
      assertThat(all.get(15).boundary()).isTrue();
      assertThat(all.get(16).boundary()).isFalse();
    }
  }

  @Test
  void tornTailIsTruncatedAndEverythingBeforeKept() throws IOException {
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      for (int i = 0; i < 5; i++) {
        journal.append(entry(journal, false, 100));
      }
    }
    Path segment = segments().get(0);
    long goodSize = Files.size(segment);
    // half of a sixth record: header claims 200 body bytes, only 30 arrived
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.allocate(38).putInt(200).putInt(12345).position(38).flip());
    }
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      assertThat(journal.nextSequence()).isEqualTo(6);
      assertThat(Files.size(segment)).isEqualTo(goodSize);
      assertThat(journal.append(entry(journal, false, 100)))
          .isEqualTo(Journal.AppendOutcome.STORED);
    }
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      assertThat(journal.pending(100))
          .extracting(JournalEntry::sequence)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
  }

  @Test
  void aFlippedBitCutsTheJournalAtThatRecord() throws IOException {
    long thirdOffset;
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      journal.append(entry(journal, false, 100));
      journal.append(entry(journal, false, 100));
      thirdOffset = journal.totalBytes();
      journal.append(entry(journal, false, 100));
      journal.append(entry(journal, false, 100));
    }
    Path segment = segments().get(0);
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, thirdOffset + 30);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      ch.write(one, thirdOffset + 30);
    }
    try (Journal journal = Journal.open(dir, 16 * SEGMENT, SEGMENT)) {
      assertThat(journal.pending(100)).extracting(JournalEntry::sequence).containsExactly(1L, 2L);
      assertThat(journal.nextSequence()).isEqualTo(3);
    }
  }

  @Test
  void acknowledgedSegmentsAreDeletedButTheSequenceContinues() throws IOException {
    try (Journal journal = Journal.open(dir, 64 * SEGMENT, SEGMENT)) {
      for (int i = 0; i < 100; i++) {
        journal.append(entry(journal, false, 200));
      }
      assertThat(segments().size()).isGreaterThan(3);
      journal.acknowledgeThrough(100);
      assertThat(segments()).hasSize(1);
      assertThat(journal.depth()).isZero();
    }
    try (Journal journal = Journal.open(dir, 64 * SEGMENT, SEGMENT)) {
      assertThat(journal.depth()).isZero();
      assertThat(journal.nextSequence()).isEqualTo(101);
      assertThat(ByteBuffer.wrap(journal.lastHash()).getLong()).isEqualTo(100);
      journal.append(entry(journal, false, 200));
      assertThat(journal.pending(10)).extracting(JournalEntry::sequence).containsExactly(101L);
    }
  }

  @Test
  void whenFullFinerCadenceGoesFirstThenNewReadingsAreRefused() throws IOException {
    long max = 4 * SEGMENT;
    try (Journal journal = Journal.open(dir, max, SEGMENT)) {
      int stored = 0;
      boolean thinned = false;
      Journal.AppendOutcome outcome;
      do {
        long seq = journal.nextSequence();
        outcome = journal.append(entry(journal, seq % 15 == 0, 200));
        thinned |= outcome == Journal.AppendOutcome.STORED_AFTER_THINNING;
        if (outcome != Journal.AppendOutcome.REFUSED_FULL) {
          stored++;
        }
        assertThat(journal.totalBytes()).isLessThanOrEqualTo(max);
      } while (outcome != Journal.AppendOutcome.REFUSED_FULL && stored < 10_000);
      assertThat(thinned).isTrue();
      assertThat(outcome).isEqualTo(Journal.AppendOutcome.REFUSED_FULL);
      long refusedSeq = journal.nextSequence();
      List<JournalEntry> left = journal.pending(100_000);
      // every boundary reading ever stored is still there
      long boundaries =
          Stream.iterate(1L, s -> s + 1).limit(refusedSeq - 1).filter(s -> s % 15 == 0).count();
      assertThat(left.stream().filter(JournalEntry::boundary).count()).isEqualTo(boundaries);
      // refusing consumed no sequence number
      assertThat(journal.nextSequence()).isEqualTo(refusedSeq);
      // acknowledging makes room again
      journal.acknowledgeThrough(left.get(left.size() - 1).sequence());
      assertThat(journal.append(entry(journal, false, 200)))
          .isEqualTo(Journal.AppendOutcome.STORED);
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".pwj")).sorted().toList();
    }
  }
}

package io.peerwatt.gateway.journal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Child process of {@link JournalCrashTest}: appends readings as fast as it can, printing each
 * sequence once {@link Journal#append} returned (that is, after fsync), and acknowledges now and
 * then.
 */
public final class JournalCrashChild {
  private JournalCrashChild() {}

  public static void main(String[] args) throws Exception {
    try (Journal journal = Journal.open(Path.of(args[0]), 1 << 22, 1 << 14)) {
      while (true) {
        long seq = journal.nextSequence();
        byte[] hash = new byte[32];
        ByteBuffer.wrap(hash).putLong(seq);
        byte[] payload = new byte[64 + (int) (seq % 50)];
        ByteBuffer.wrap(payload).putLong(seq ^ 0x5A5A5A5AL);
        journal.append(
            new JournalEntry(seq, Instant.ofEpochSecond(seq), seq % 15 == 0, hash, payload));
        System.out.println("stored " + seq);
        if (seq % 97 == 0) {
          journal.acknowledgeThrough(seq - 40);
          System.out.println("acked " + (seq - 40));
        }
        System.out.flush();
      }
    }
  }
}

package io.peerwatt.gateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A journal's segment files: {@code segment-<first sequence, 20 digits>.pwj} in the journal's
 * directory, each starting with {@link JournalRecord#SEGMENT_MAGIC}. Every creation and replacement
 * is forced to disk together with the directory entry.
 */
final class SegmentFiles {
  static final String GLOB = "segment-*.pwj";

  /** Where one record sits in a segment file. */
  record Span(long offset, int length) {}

  private SegmentFiles() {}

  static long firstSequence(Path file) {
    return Long.parseLong(file.getFileName().toString().substring(8, 28));
  }

  /**
   * Whether the file starts with the segment header (it may not, when a crash came right after
   * creating it).
   */
  static boolean hasHeader(FileChannel ch) throws IOException {
    ByteBuffer magic = ByteBuffer.allocate(JournalRecord.SEGMENT_MAGIC.length);
    JournalRecord.readFully(ch, magic, 0);
    return magic.position() == JournalRecord.SEGMENT_MAGIC.length
        && Arrays.equals(magic.array(), JournalRecord.SEGMENT_MAGIC);
  }

  /**
   * Creates the segment starting at {@code firstSequence}, header on disk; returns it open for
   * writing.
   */
  static FileChannel create(Path dir, long firstSequence) throws IOException {
    Path path = path(dir, firstSequence);
    FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ch.write(ByteBuffer.wrap(JournalRecord.SEGMENT_MAGIC), 0);
      ch.force(true);
      forceDirectory(dir);
    } catch (IOException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
    return ch;
  }

  static Path path(Path dir, long firstSequence) {
    return dir.resolve(String.format("segment-%020d.pwj", firstSequence));
  }

  /**
   * Rewrites segment {@code file} with only the records at {@code kept}, in that order, and
   * replaces it atomically.
   *
   * @return each kept record's offset in the new file
   */
  static long[] keepOnly(Path file, List<Span> kept) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long[] offsets = new long[kept.size()];
    long size = JournalRecord.SEGMENT_MAGIC.length;
    try (FileChannel src = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel dst =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      dst.write(ByteBuffer.wrap(JournalRecord.SEGMENT_MAGIC), 0);
      for (int i = 0; i < kept.size(); i++) {
        Span span = kept.get(i);
        ByteBuffer buf = ByteBuffer.allocate(span.length());
        JournalRecord.readFully(src, buf, span.offset());
        buf.flip();
        long at = size;
        while (buf.hasRemaining()) {
          dst.write(buf, at + (span.length() - buf.remaining()));
        }
        offsets[i] = at;
        size += span.length();
      }
      dst.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the journal needs a file system with atomic rename: " + file, e);
    }
    forceDirectory(file.toAbsolutePath().getParent());
    return offsets;
  }

  /**
   * Makes creations, renames and deletions in {@code dir} durable (Linux allows fsync on a
   * directory).
   */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}

package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of every reading this gateway signed, kept for {@code retentionDays} after the
 * journal has handed them to the platform, so that the gateway can check a statement against its
 * own readings before it pays (machine-to-machine mode). One CSV file per meter channel and UTC
 * day, {@code wallet/readings/channel-N/YYYY-MM-DD.csv}, lines {@code
 * sequence,takenAtEpochMs,importWh,exportWh, readingHashHex}. Appends are not forced to disk: the
 * journal is the durable record, and on open a line a crash left unfinished is cut off and every
 * journaled reading newer than the ledger's last whole line is added again.
 */
final class ReadingLedger {
  private static final Logger log = LoggerFactory.getLogger(ReadingLedger.class);
  private static final HexFormat HEX = HexFormat.of();

  private final Path dir;
  private final int retentionDays;
  private final Map<Integer, Long> lastSequence = new TreeMap<>();

  private ReadingLedger(Path dir, int retentionDays) {
    this.dir = dir;
    this.retentionDays = retentionDays;
  }

  /**
   * Opens the ledger under {@code dataDir/wallet/readings} and adds what the journals hold beyond
   * it.
   */
  static ReadingLedger open(Path dataDir, Map<Integer, Journal> journals, int retentionDays)
      throws IOException {
    ReadingLedger ledger =
        new ReadingLedger(dataDir.resolve(WalletConfig.DIR).resolve("readings"), retentionDays);
    for (Map.Entry<Integer, Journal> e : journals.entrySet()) {
      ledger.cutUnfinishedLines(e.getKey());
      long last = ledger.newestSequence(e.getKey());
      int added = 0;
      for (JournalEntry entry : e.getValue().all()) {
        if (entry.sequence() > last) {
          ledger.record(e.getKey(), SignedReading.decode(entry.signedReading()));
          added++;
        }
      }
      if (added > 0) {
        log.info(
            "reading ledger of channel {}: {} readings added from the journal", e.getKey(), added);
      }
    }
    return ledger;
  }

  /** Adds a reading this gateway just signed and journaled. */
  synchronized void record(int channel, SignedReading signed) throws IOException {
    MeterReading r = signed.reading();
    Long last = lastSequence.get(channel);
    if (last != null && r.sequence() <= last) {
      return;
    }
    Path file = dayFile(channel, LocalDate.ofInstant(r.takenAt(), ZoneOffset.UTC));
    boolean newDay = !Files.exists(file);
    Files.createDirectories(file.getParent());
    String line =
        r.sequence()
            + ","
            + r.takenAt().toEpochMilli()
            + ","
            + r.importWh()
            + ","
            + r.exportWh()
            + ","
            + HEX.formatHex(signed.hash())
            + "\n";
    Files.writeString(
        file,
        line,
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    lastSequence.put(channel, r.sequence());
    if (newDay) {
      dropOlderThan(
          channel, LocalDate.ofInstant(r.takenAt(), ZoneOffset.UTC).minusDays(retentionDays));
    }
  }

  /** The readings of every channel taken within {@code [from, to]}, one series per channel. */
  synchronized List<MeterSeries> series(long deviceId, Instant from, Instant to) {
    List<MeterSeries> out = new ArrayList<>();
    for (int channel : channels()) {
      List<AcceptedReading> readings = new ArrayList<>();
      for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
          !day.isAfter(LocalDate.ofInstant(to, ZoneOffset.UTC));
          day = day.plusDays(1)) {
        Path file = dayFile(channel, day);
        if (!Files.exists(file)) {
          continue;
        }
        for (String line : readLines(file)) {
          String[] f = fields(line);
          if (f == null) {
            continue; // a line cut by a crash
          }
          Instant takenAt = Instant.ofEpochMilli(Long.parseLong(f[1]));
          if (!takenAt.isBefore(from) && !takenAt.isAfter(to)) {
            readings.add(
                new AcceptedReading(
                    deviceId,
                    channel,
                    Long.parseLong(f[0]),
                    takenAt,
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    f[4]));
          }
        }
      }
      if (!readings.isEmpty()) {
        out.add(new MeterSeries(deviceId, channel, readings));
      }
    }
    return out;
  }

  /**
   * The sequence of the newest whole line of the channel's newest day that has one; -1 when there
   * is none.
   */
  private long newestSequence(int channel) throws IOException {
    long last = -1;
    List<Path> newestFirst = new ArrayList<>(dayFiles(channel));
    java.util.Collections.reverse(newestFirst);
    for (Path day : newestFirst) {
      for (String line : readLines(day)) {
        String[] f = fields(line);
        if (f != null) {
          last = Math.max(last, Long.parseLong(f[0]));
        }
      }
      if (last >= 0) {
        break; // a day whose content never reached the disk says nothing; the day before it does
      }
    }
    if (last >= 0) {
      lastSequence.put(channel, last);
    }
    return last;
  }

  /**
   * Cuts off what follows the last newline of each of the channel's files: the rest of a line a
   * crash interrupted (or the zeros of a block that was never written), which the next append would
   * otherwise run into.
   */
  private void cutUnfinishedLines(int channel) throws IOException {
    for (Path day : dayFiles(channel)) {
      byte[] bytes = Files.readAllBytes(day);
      int keep = bytes.length;
      while (keep > 0 && bytes[keep - 1] != '\n') {
        keep--;
      }
      if (keep < bytes.length) {
        try (FileChannel ch = FileChannel.open(day, StandardOpenOption.WRITE)) {
          ch.truncate(keep);
          ch.force(true);
        }
        log.warn("reading ledger {}: cut {} bytes of an unfinished line", day, bytes.length - keep);
      }
    }
  }

  /** The channel's day files, oldest first. */
  private List<Path> dayFiles(int channel) throws IOException {
    Path channelDir = dir.resolve("channel-" + channel);
    if (!Files.isDirectory(channelDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(channelDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    }
  }

  /** A whole ledger line: four decimal fields and a SHA-256 in hex. */
  private static final java.util.regex.Pattern LINE =
      java.util.regex.Pattern.compile(
          "[0-9]{1,18},[0-9]{1,18},[0-9]{1,18},[0-9]{1,18},[0-9a-f]{64}");

  /**
   * The five fields of a whole ledger line, or null for anything else (a line a crash cut short).
   */
  private static String[] fields(String line) {
    return LINE.matcher(line).matches() ? line.split(",", -1) : null;
  }

  private List<Integer> channels() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(dir)) {
      return dirs.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("channel-"))
          .map(n -> Integer.parseInt(n.substring("channel-".length())))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void dropOlderThan(int channel, LocalDate keepFrom) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("channel-" + channel))) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".csv")
            && name.substring(0, name.length() - 4).compareTo(keepFrom.toString()) < 0) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private Path dayFile(int channel, LocalDate day) {
    return dir.resolve("channel-" + channel).resolve(day + ".csv");
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

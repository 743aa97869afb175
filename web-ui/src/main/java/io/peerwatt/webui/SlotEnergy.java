package io.peerwatt.webui;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Import and export per quarter-hour for the dashboard chart, from cumulative meter readings: the
 * counter difference between the last reading at or before each slot boundary. A picture for
 * people, not a settlement figure (settlement interpolates at the boundaries and is what statements
 * show).
 */
public final class SlotEnergy {
  private static final long SLOT_SECONDS = Duration.ofMinutes(15).toSeconds();

  /** One cumulative reading: when, and the import/export counters in Wh. */
  public record Point(Instant takenAt, long importWh, long exportWh) {}

  /** Energy in one slot. */
  public record Slot(Instant start, long importWh, long exportWh) {}

  private SlotEnergy() {}

  /**
   * Per-slot energy over the readings' span: for the slot {@code [s, s + 15 min)} the counters of
   * the last reading at or before {@code s + 15 min} minus those at or before {@code s}. Slots
   * without a reading at or before both ends are left out.
   */
  public static List<Slot> perSlot(List<Point> points) {
    TreeMap<Instant, Point> byTime = new TreeMap<>();
    points.forEach(p -> byTime.put(p.takenAt(), p));
    List<Slot> out = new ArrayList<>();
    if (byTime.isEmpty()) {
      return out;
    }
    long first = Math.floorDiv(byTime.firstKey().getEpochSecond(), SLOT_SECONDS) * SLOT_SECONDS;
    long last = byTime.lastKey().getEpochSecond();
    for (long s = first; s < last; s += SLOT_SECONDS) {
      var atStart = byTime.floorEntry(Instant.ofEpochSecond(s));
      var atEnd = byTime.floorEntry(Instant.ofEpochSecond(s + SLOT_SECONDS));
      if (atStart == null || atEnd == null || atEnd.getKey().getEpochSecond() <= s) {
        continue;
      }
      long imported = atEnd.getValue().importWh() - atStart.getValue().importWh();
      long exported = atEnd.getValue().exportWh() - atStart.getValue().exportWh();
      if (imported >= 0 && exported >= 0) {
        out.add(new Slot(Instant.ofEpochSecond(s), imported, exported));
      }
    }
    return out;
  }
}

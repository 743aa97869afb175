package io.peerwatt.gateway.metering;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One meter channel: its Modbus link and map, its journal (its own sequence and hash chain), and
 * the rules that turn a meter read, or a failed one, into a signed reading with honest flags.
 */
public final class MeterChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeterChannel.class);

  private final MeterConfig config;
  private final Journal journal;
  private final RegisterReader link;
  private MeterDriver driver;

  /** The newest journaled reading (restored from the journal on start). */
  private MeterReading lastReading;

  /** Serial of the meter that produced the last good read; "" until known. */
  private String knownSerial = "";

  private Instant lastSampleAt;
  private String lastError;
  private MeterFault lastFault;

  private MeterChannel(MeterConfig config, Journal journal, RegisterReader link, String knownSerial)
      throws IOException {
    this.config = config;
    this.journal = journal;
    this.link = link;
    this.knownSerial = knownSerial;
    java.util.Optional<JournalEntry> newest = journal.newest();
    if (newest.isPresent()) {
      lastReading = SignedReading.decode(newest.get().signedReading()).reading();
    }
  }

  /**
   * The channel of a configured meter, read over Modbus, journaling into {@code journal}.
   *
   * @param knownSerial the serial the meter had when last seen ("" when unknown), to notice a swap
   */
  public static MeterChannel open(MeterConfig config, Journal journal, String knownSerial)
      throws IOException {
    ModbusLink link =
        new ModbusLink(config.uri(), config.unitId(), config.timeout(), config.retries());
    try {
      return new MeterChannel(config, journal, link, knownSerial);
    } catch (IOException | RuntimeException e) {
      link.close();
      throw e;
    }
  }

  public MeterConfig config() {
    return config;
  }

  public Journal journal() {
    return journal;
  }

  /** Reads the meter (resolving its map on first use); failures are remembered for status. */
  public MeterSample read(Instant now) throws MeterException {
    try {
      if (driver == null) {
        driver = MeterDriver.resolve(link, config.map());
        log.info(
            "meter {} (channel {}, {} unit {}): {}",
            config.name(),
            config.channel(),
            config.uri(),
            config.unitId(),
            driver.description());
      }
      MeterSample sample = driver.read(link);
      lastSampleAt = now;
      lastError = null;
      lastFault = null;
      return sample;
    } catch (MeterException e) {
      if (e.fault() == MeterFault.UNKNOWN_METER) {
        driver = null;
      }
      if (lastFault != e.fault()) {
        log.warn(
            "meter {} (channel {}): {} - {}",
            config.name(),
            config.channel(),
            e.fault(),
            e.getMessage());
      }
      lastError = e.fault() + ": " + e.getMessage();
      lastFault = e.fault();
      throw e;
    }
  }

  /**
   * Takes one signed reading due at {@code now}: reads the meter, flags what is doubtful, signs,
   * journals (fsync). When the meter fails, a boundary reading repeats the last good counters
   * flagged timeout/estimated (so the slot has a visible, honest value) and a cadence reading is
   * skipped. Returns the journaled reading, or null when none was taken.
   */
  public SignedReading take(
      Instant now, boolean boundary, boolean clockSynchronised, PrivateKey key) throws IOException {
    Set<ReadingFlag> flags = EnumSet.noneOf(ReadingFlag.class);
    Instant takenAt = now.truncatedTo(ChronoUnit.MILLIS);
    if (!clockSynchronised) {
      flags.add(ReadingFlag.CLOCK_UNSYNCHRONISED);
    }
    if (lastReading != null && !takenAt.isAfter(lastReading.takenAt())) {
      log.error(
          "meter {}: clock went back ({} is not after the last reading at {}); flagging clockUnsynchronised",
          config.name(),
          takenAt,
          lastReading.takenAt());
      flags.add(ReadingFlag.CLOCK_UNSYNCHRONISED);
      takenAt = lastReading.takenAt().plusMillis(1);
    }
    long importWh;
    long exportWh;
    long powerW;
    long voltageMilliV;
    try {
      MeterSample sample = read(now);
      importWh = sample.importWh();
      exportWh = sample.exportWh();
      powerW = sample.powerW();
      voltageMilliV = sample.voltageMilliV();
      if (!sample.complete()) {
        flags.add(ReadingFlag.INCOMPLETE);
      }
      boolean swapped =
          !knownSerial.isEmpty()
              && !sample.serial().isEmpty()
              && !knownSerial.equals(sample.serial());
      if (swapped) {
        log.error(
            "METER SWAPPED on channel {} ({}): serial {} -> {}; reading flagged meterSwapped",
            config.channel(),
            config.name(),
            knownSerial,
            sample.serial());
        flags.add(ReadingFlag.METER_SWAPPED);
      } else if (lastReading != null
          && (importWh < lastReading.importWh() || exportWh < lastReading.exportWh())) {
        log.error(
            "COUNTERS WENT BACKWARDS on channel {} ({}): import {} -> {} Wh, export {} -> {} Wh;"
                + " reading flagged counterReset",
            config.channel(),
            config.name(),
            lastReading.importWh(),
            importWh,
            lastReading.exportWh(),
            exportWh);
        flags.add(ReadingFlag.COUNTER_RESET);
      }
      if (!sample.serial().isEmpty()) {
        knownSerial = sample.serial();
      }
    } catch (MeterException e) {
      if (!boundary) {
        return null;
      }
      if (lastReading == null) {
        log.error(
            "meter {} failed at the quarter-hour boundary {} and has never been read: no reading ({})",
            config.name(),
            takenAt,
            e.getMessage());
        return null;
      }
      // counters repeat the last good values, flagged; power and voltage are unknown (0 = not
      // measured)
      importWh = lastReading.importWh();
      exportWh = lastReading.exportWh();
      powerW = 0;
      voltageMilliV = 0;
      flags.add(ReadingFlag.ESTIMATED);
      if (e.fault() == MeterFault.TIMEOUT || e.fault() == MeterFault.CONNECTION) {
        flags.add(ReadingFlag.TIMEOUT);
      }
      log.warn(
          "meter {} failed at boundary {}: journaling last good counters flagged {}",
          config.name(),
          takenAt,
          flags);
    }
    long sequence = journal.nextSequence();
    MeterReading reading =
        new MeterReading(
            MeterReading.VERSION_1,
            key.publicKey(),
            config.channel(),
            sequence,
            takenAt,
            importWh,
            exportWh,
            Math.toIntExact(powerW),
            Math.toIntExact(voltageMilliV),
            flags,
            journal.lastHash());
    SignedReading signed = SignedReading.sign(reading, key);
    Journal.AppendOutcome outcome =
        journal.append(
            new JournalEntry(sequence, takenAt, boundary, signed.hash(), signed.encode()));
    if (outcome == Journal.AppendOutcome.REFUSED_FULL) {
      return null;
    }
    lastReading = reading;
    return signed;
  }

  public MeterReading lastReading() {
    return lastReading;
  }

  public Instant lastSampleAt() {
    return lastSampleAt;
  }

  public String lastError() {
    return lastError;
  }

  public String knownSerial() {
    return knownSerial;
  }

  /**
   * What the meter lacks, as far as the current connection has shown ({@code serial}, {@code
   * voltageL1}, ...).
   */
  public java.util.Set<String> lacks() {
    return driver == null ? java.util.Set.of() : driver.lacks();
  }

  public String mapName() {
    return driver == null ? config.map().code() : driver.mapName();
  }

  @Override
  public void close() {
    link.close();
    try {
      journal.close();
    } catch (IOException e) {
      log.warn("closing journal of channel {} failed", config.channel(), e);
    }
  }
}

package io.peerwatt.gateway;

import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.lightclient.LightClientConfig;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.ReadingSchedule;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.WalletConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code gateway run} needs (read from {@code gateway.yaml} by the deploy module).
 *
 * @param dataDir device key, enrolment, journals, dead letters, status
 * @param platform the platform's base URL; empty = readings stay in the journal
 * @param readingInterval a signed reading every this often, plus one at each UTC quarter hour
 * @param uploadInterval pause between upload rounds when the journal is drained
 * @param batchSize readings per upload batch, 1..500
 * @param journalMaxBytes per meter channel; see {@link io.peerwatt.gateway.journal.Journal} for the
 *     full policy
 * @param journalSegmentBytes segment file size
 * @param assumeClockSynchronised true when the host keeps time without systemd-timesyncd
 * @param meters the meters to read
 * @param wallet the machine-to-machine wallet; empty = the platform pays for the owner (custodial)
 * @param lightClient the light client auditing the gateway's own anchored readings; empty = off
 * @param flexibility the battery or inverter the platform may steer through OpenADR; empty = none
 */
public record GatewayConfig(
    Path dataDir,
    Optional<URI> platform,
    Duration readingInterval,
    Duration uploadInterval,
    int batchSize,
    long journalMaxBytes,
    long journalSegmentBytes,
    boolean assumeClockSynchronised,
    List<MeterConfig> meters,
    Optional<WalletConfig> wallet,
    Optional<LightClientConfig> lightClient,
    Optional<FlexibilityConfig> flexibility) {

  public GatewayConfig {
    meters = List.copyOf(meters);
    if (meters.isEmpty()) {
      throw new IllegalArgumentException("meters must list at least one meter");
    }
    Set<Integer> channels = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (MeterConfig m : meters) {
      if (!channels.add(m.channel())) {
        throw new IllegalArgumentException("meters: channel " + m.channel() + " is used twice");
      }
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("meters: name " + m.name() + " is used twice");
      }
    }
    if (batchSize < 1 || batchSize > Uploader.MAX_BATCH) {
      throw new IllegalArgumentException("upload.batchSize must be 1.." + Uploader.MAX_BATCH);
    }
    if (readingInterval.toMillis() < 1000
        || readingInterval.toMillis() > ReadingSchedule.QUARTER_HOUR_MS) {
      throw new IllegalArgumentException("readingInterval must be between 1 s and 15 min");
    }
    if (journalSegmentBytes < 4096 || journalMaxBytes < 4 * journalSegmentBytes) {
      throw new IllegalArgumentException(
          "journal.segmentBytes must be at least 4096 and journal.maxBytes at least"
              + " 4 segments");
    }
    if (wallet.isPresent() && platform.isEmpty()) {
      throw new IllegalArgumentException("wallet needs a platform to pay through");
    }
    if (lightClient.isPresent() && platform.isEmpty()) {
      throw new IllegalArgumentException("lightClient needs a platform to ask for proofs");
    }
    if (flexibility.isPresent() && platform.isEmpty()) {
      throw new IllegalArgumentException("flexibility needs a platform to take commands from");
    }
    if (uploadInterval.toMillis() < 10) {
      throw new IllegalArgumentException("upload.interval must be at least 10 ms");
    }
  }
}

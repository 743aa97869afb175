package io.peerwatt.gateway.wallet;

import java.time.Duration;

/**
 * The gateway's wallet in machine-to-machine mode ({@code wallet:} in gateway.yaml): it signs its
 * owner's channel updates itself, only after checking each statement against the readings it
 * signed, and never beyond the owner's daily cap.
 *
 * @param spendingCapSatsPerDay the most the gateway pays the hub per UTC day (statements beyond it
 *     are refused)
 * @param channelCapacitySats what the gateway puts into each buyer -> hub channel it opens
 * @param devnetFaucet on a devnet platform, take coins from its faucet when the wallet runs low
 * @param interval how often an idle gateway asks the platform for channel work and payment
 *     requests; while work is under way (a payment waits, a channel opens or closes) rounds follow
 *     at a sixth of it
 * @param readingRetentionDays how long the gateway keeps its readings' counters for statement
 *     checks
 */
public record WalletConfig(
    long spendingCapSatsPerDay,
    long channelCapacitySats,
    boolean devnetFaucet,
    Duration interval,
    int readingRetentionDays) {

  /**
   * The wallet's directory in the gateway's data dir: channel key, state, inbox and reading ledger.
   */
  public static final String DIR = "wallet";

  /** While work is under way, rounds run this many times as often as the interval says. */
  public static final int BUSY_ROUNDS_PER_INTERVAL = 6;

  public WalletConfig {
    if (spendingCapSatsPerDay < 0) {
      throw new IllegalArgumentException("wallet.spendingCapSatsPerDay must not be negative");
    }
    if (channelCapacitySats < 10_000) {
      throw new IllegalArgumentException("wallet.channelCapacitySats must be at least 10000");
    }
    if (interval.toMillis() < 10) {
      throw new IllegalArgumentException("wallet.interval must be at least 10 ms");
    }
    if (readingRetentionDays < 2 || readingRetentionDays > 366) {
      throw new IllegalArgumentException("wallet.readingRetentionDays must be 2..366");
    }
  }

  /**
   * Defaults for a home: at most 0.2 BSV a day, 0.5 BSV channels, no faucet, every 30 s, two weeks
   * of readings.
   */
  public static WalletConfig defaults() {
    return new WalletConfig(20_000_000, 50_000_000, false, Duration.ofSeconds(30), 14);
  }
}

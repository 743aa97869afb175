package io.peerwatt.gateway;

import io.peerwatt.gateway.wallet.WalletConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loops the {@link Gateway}'s background threads run (see {@link Gateway#run}): uploads, the
 * wallet, the light client and the flexibility VEN, each until {@code stop} is set.
 */
final class GatewayLoops {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Gateway gateway;
  private final GatewayConfig config;

  GatewayLoops(Gateway gateway, GatewayConfig config) {
    this.gateway = gateway;
    this.config = config;
  }

  /** Flexibility rounds until {@code stop}; the device is restored when the loop ends. */
  void flexibility(AtomicBoolean stop) {
    long pauseMs = config.flexibility().orElseThrow().pollInterval().toMillis();
    try {
      while (!stop.get()) {
        gateway.flexibilityStep();
        try {
          gateway.writeStatus();
        } catch (IOException e) {
          log.warn("cannot write the status: {}", e.getMessage());
        }
        Thread.sleep(pauseMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      gateway.closeFlexibility();
    }
  }

  /** Light-client rounds until {@code stop}; a round never throws. */
  void lightClient(AtomicBoolean stop) {
    long pauseMs = config.lightClient().orElseThrow().interval().toMillis();
    while (!stop.get()) {
      gateway.lightClientStep();
      try {
        gateway.writeStatus();
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        log.warn("cannot write the status: {}", e.getMessage());
      }
    }
  }

  /** Wallet rounds until {@code stop}; a round never throws (failures are retried next round). */
  void wallet(AtomicBoolean stop) {
    long idleMs = config.wallet().orElseThrow().interval().toMillis();
    // while a payment or a channel is under way its next step follows soon; an idle wallet asks
    // once an interval
    long busyMs = Math.max(10, idleMs / WalletConfig.BUSY_ROUNDS_PER_INTERVAL);
    while (!stop.get()) {
      boolean busy = gateway.walletStep();
      try {
        Thread.sleep(busy ? busyMs : idleMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Upload rounds until {@code stop}; a failed round is retried after 10 s. */
  void uploads(AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        // an idle round changes nothing the status shows: only a sending one rewrites it
        if (gateway
                .uploader()
                .drain(() -> !stop.get(), Duration.ofSeconds(1), Duration.ofMinutes(5))
            > 0) {
          gateway.writeStatus();
        }
        Thread.sleep(config.uploadInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        log.error("upload loop failed; retrying in 10 s", e);
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}

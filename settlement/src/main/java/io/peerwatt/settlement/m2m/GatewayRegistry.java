package io.peerwatt.settlement.m2m;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.GATEWAY_CHANNEL_ACK;
import static io.peerwatt.db.schema.Tables.GATEWAY_CLOSE_REQUEST;
import static io.peerwatt.db.schema.Tables.GATEWAY_PAYMENT_REFUSAL;
import static io.peerwatt.db.schema.Tables.GATEWAY_WALLET;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * What the platform keeps about machine-to-machine accounts and their gateways (migration V11): the
 * account's payment mode, the gateway wallet it registered, the gateway's acknowledgements of hub
 * -> seller commitments, close requests, and refusals to pay. Each call is one statement or
 * transaction.
 */
public final class GatewayRegistry {
  /** {@code account.payment_mode} of accounts whose gateway signs. */
  public static final String M2M = "m2m";

  /** {@code account.payment_mode} of accounts the platform signs for. */
  public static final String CUSTODIAL = "custodial";

  private final DSLContext db;

  public GatewayRegistry(DSLContext db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * A registered gateway wallet.
   *
   * @param accountId the m2m account
   * @param deviceId the gateway that registered it
   * @param channelKey the key the gateway signs the account's channels with
   * @param payoutScript where hub -> seller commitments pay and the gateway's channel change
   *     returns
   */
  public record GatewayWallet(
      long accountId, long deviceId, PublicKey channelKey, byte[] payoutScript) {
    public GatewayWallet {
      payoutScript = payoutScript.clone();
    }

    @Override
    public byte[] payoutScript() {
      return payoutScript.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GatewayWallet w
          && accountId == w.accountId
          && deviceId == w.deviceId
          && channelKey.equals(w.channelKey)
          && Arrays.equals(payoutScript, w.payoutScript);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(accountId) * 31 + channelKey.hashCode();
    }
  }

  /** A gateway's refusal to pay a statement. */
  public record Refusal(int code, String detail) {}

  /** The account's payment mode: {@link #M2M} or {@link #CUSTODIAL}. */
  public String paymentMode(long accountId) {
    String mode =
        db.select(ACCOUNT.PAYMENT_MODE)
            .from(ACCOUNT)
            .where(ACCOUNT.ID.eq(accountId))
            .fetchOptional(ACCOUNT.PAYMENT_MODE)
            .orElse(CUSTODIAL);
    return mode;
  }

  /**
   * Registers (or replaces) the account's gateway wallet and switches the account to
   * machine-to-machine payments, in one transaction.
   */
  public GatewayWallet register(
      long accountId, long deviceId, PublicKey channelKey, byte[] payoutScript, Instant now) {
    db.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          tx.insertInto(GATEWAY_WALLET)
              .set(GATEWAY_WALLET.ACCOUNT_ID, accountId)
              .set(GATEWAY_WALLET.DEVICE_ID, deviceId)
              .set(GATEWAY_WALLET.CHANNEL_KEY, channelKey.compressedBytes())
              .set(GATEWAY_WALLET.PAYOUT_SCRIPT, payoutScript)
              .set(GATEWAY_WALLET.REGISTERED_AT, now)
              .onConflict(GATEWAY_WALLET.ACCOUNT_ID)
              .doUpdate()
              .set(GATEWAY_WALLET.DEVICE_ID, deviceId)
              .set(GATEWAY_WALLET.CHANNEL_KEY, channelKey.compressedBytes())
              .set(GATEWAY_WALLET.PAYOUT_SCRIPT, payoutScript)
              .set(GATEWAY_WALLET.REGISTERED_AT, now)
              .execute();
          tx.update(ACCOUNT)
              .set(ACCOUNT.PAYMENT_MODE, M2M)
              .where(ACCOUNT.ID.eq(accountId))
              .execute();
        });
    return new GatewayWallet(accountId, deviceId, channelKey, payoutScript);
  }

  /** The account's gateway wallet, when it is in m2m mode and one is registered. */
  public Optional<GatewayWallet> wallet(long accountId) {
    return db.select(
            GATEWAY_WALLET.ACCOUNT_ID,
            GATEWAY_WALLET.DEVICE_ID,
            GATEWAY_WALLET.CHANNEL_KEY,
            GATEWAY_WALLET.PAYOUT_SCRIPT)
        .from(GATEWAY_WALLET)
        .join(ACCOUNT)
        .on(ACCOUNT.ID.eq(GATEWAY_WALLET.ACCOUNT_ID))
        .where(GATEWAY_WALLET.ACCOUNT_ID.eq(accountId).and(ACCOUNT.PAYMENT_MODE.eq(M2M)))
        .fetchOptional(
            r ->
                new GatewayWallet(
                    r.value1(), r.value2(), PublicKey.fromBytes(r.value3()), r.value4()));
  }

  /**
   * Records that the gateway stored the hub's commitment {@code sequence}; the acknowledged
   * sequence only grows.
   */
  public void acknowledge(String channelId, long sequence, Instant now) {
    db.insertInto(GATEWAY_CHANNEL_ACK)
        .set(GATEWAY_CHANNEL_ACK.CHANNEL_ID, channelId)
        .set(GATEWAY_CHANNEL_ACK.ACKED_SEQUENCE, sequence)
        .set(GATEWAY_CHANNEL_ACK.ACKED_AT, now)
        .onConflict(GATEWAY_CHANNEL_ACK.CHANNEL_ID)
        .doUpdate()
        .set(
            GATEWAY_CHANNEL_ACK.ACKED_SEQUENCE,
            DSL.greatest(GATEWAY_CHANNEL_ACK.ACKED_SEQUENCE, DSL.val(sequence)))
        .set(GATEWAY_CHANNEL_ACK.ACKED_AT, now)
        .execute();
  }

  /** The newest sequence the gateway acknowledged on a hub -> seller channel; 0 when none. */
  public long acknowledgedSequence(String channelId) {
    return db.select(GATEWAY_CHANNEL_ACK.ACKED_SEQUENCE)
        .from(GATEWAY_CHANNEL_ACK)
        .where(GATEWAY_CHANNEL_ACK.CHANNEL_ID.eq(channelId))
        .fetchOptional(GATEWAY_CHANNEL_ACK.ACKED_SEQUENCE)
        .orElse(0L);
  }

  /** Asks the gateway (payee of a hub -> seller channel) to close it on its next poll. */
  public void requestClose(String channelId, Instant now) {
    db.insertInto(GATEWAY_CLOSE_REQUEST)
        .set(GATEWAY_CLOSE_REQUEST.CHANNEL_ID, channelId)
        .set(GATEWAY_CLOSE_REQUEST.REQUESTED_AT, now)
        .onConflictDoNothing()
        .execute();
  }

  public boolean closeRequested(String channelId) {
    return db.fetchExists(GATEWAY_CLOSE_REQUEST, GATEWAY_CLOSE_REQUEST.CHANNEL_ID.eq(channelId));
  }

  /**
   * Records the closing transaction a gateway relayed for its hub -> seller channel (asked or not).
   */
  public void recordClose(String channelId, byte[] closingTxid, Instant now) {
    db.insertInto(GATEWAY_CLOSE_REQUEST)
        .set(GATEWAY_CLOSE_REQUEST.CHANNEL_ID, channelId)
        .set(GATEWAY_CLOSE_REQUEST.REQUESTED_AT, now)
        .set(GATEWAY_CLOSE_REQUEST.CLOSING_TXID, closingTxid)
        .onConflict(GATEWAY_CLOSE_REQUEST.CHANNEL_ID)
        .doUpdate()
        .set(GATEWAY_CLOSE_REQUEST.CLOSING_TXID, closingTxid)
        .execute();
  }

  /** The closing transaction's id (internal byte order) the gateway relayed for a channel. */
  public Optional<byte[]> closingTxid(String channelId) {
    return db.select(GATEWAY_CLOSE_REQUEST.CLOSING_TXID)
        .from(GATEWAY_CLOSE_REQUEST)
        .where(
            GATEWAY_CLOSE_REQUEST
                .CHANNEL_ID
                .eq(channelId)
                .and(GATEWAY_CLOSE_REQUEST.CLOSING_TXID.isNotNull()))
        .fetchOptional(GATEWAY_CLOSE_REQUEST.CLOSING_TXID);
  }

  /**
   * Records a gateway's refusal to pay a payment (which the caller found); the first answer stands.
   * The refusal takes the payment's zone, its key's first column.
   */
  public void refuse(long paymentId, int code, String detail, Instant now) {
    db.insertInto(
            GATEWAY_PAYMENT_REFUSAL,
            GATEWAY_PAYMENT_REFUSAL.ZONE_CODE,
            GATEWAY_PAYMENT_REFUSAL.PAYMENT_ID,
            GATEWAY_PAYMENT_REFUSAL.REFUSAL_CODE,
            GATEWAY_PAYMENT_REFUSAL.REFUSAL_DETAIL,
            GATEWAY_PAYMENT_REFUSAL.REFUSED_AT)
        .select(
            DSL.select(
                    SETTLEMENT_PAYMENT.ZONE_CODE,
                    SETTLEMENT_PAYMENT.ID,
                    DSL.val(code, GATEWAY_PAYMENT_REFUSAL.REFUSAL_CODE),
                    DSL.val(
                        detail.length() > 300 ? detail.substring(0, 300) : detail,
                        GATEWAY_PAYMENT_REFUSAL.REFUSAL_DETAIL),
                    DSL.val(now, GATEWAY_PAYMENT_REFUSAL.REFUSED_AT))
                .from(SETTLEMENT_PAYMENT)
                .where(SETTLEMENT_PAYMENT.ID.eq(paymentId)))
        .onConflictDoNothing()
        .execute();
  }

  public Optional<Refusal> refusal(long paymentId) {
    return db.select(GATEWAY_PAYMENT_REFUSAL.REFUSAL_CODE, GATEWAY_PAYMENT_REFUSAL.REFUSAL_DETAIL)
        .from(GATEWAY_PAYMENT_REFUSAL)
        .where(GATEWAY_PAYMENT_REFUSAL.PAYMENT_ID.eq(paymentId))
        .fetchOptional(r -> new Refusal(r.value1(), r.value2()));
  }
}

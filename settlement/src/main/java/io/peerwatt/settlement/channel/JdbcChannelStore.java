package io.peerwatt.settlement.channel;

import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_FUNDING;

import io.peerwatt.db.schema.tables.records.PaymentChannelRecord;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * {@link ChannelStore} in PostgreSQL (migration V9: payment_channel and the append-only
 * payment_channel_commitment). Each save is one transaction: the channel row and, for a new
 * commitment, its history row. It commits with {@code synchronous_commit} on, whatever the server's
 * default, so the save has reached the WAL on disk when it returns (on a server that runs with
 * fsync on). {@link GroupCommitChannelStore} writes the same rows, many saves per transaction.
 */
public final class JdbcChannelStore implements ChannelStore {
  private static final String PAYER = ChannelRows.PAYER;
  private static final String PAYEE = ChannelRows.PAYEE;
  private final DSLContext db;

  public JdbcChannelStore(DSLContext db) {
    this.db = db;
  }

  @Override
  public void savePayer(PayerChannel c) {
    save(ChannelRows.Row.of(c));
  }

  @Override
  public void savePayee(PayeeChannel c) {
    save(ChannelRows.Row.of(c));
  }

  @Override
  public void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx) {
    if (proposed.state() != ChannelState.PROPOSED) {
      throw new IllegalArgumentException("only a proposed channel is saved with its funding");
    }
    db.transaction(
        cfg -> {
          new JdbcChannelStore(cfg.dsl()).savePayer(proposed);
          cfg.dsl()
              .insertInto(PAYMENT_CHANNEL_FUNDING)
              .set(PAYMENT_CHANNEL_FUNDING.CHANNEL_ID, proposed.channelId())
              .set(PAYMENT_CHANNEL_FUNDING.ROLE, PAYER)
              .set(PAYMENT_CHANNEL_FUNDING.RAW_TX, fundingRawTx)
              .onConflictDoNothing()
              .execute();
        });
  }

  @Override
  public void recordClosing(String channelId, boolean payerSide, byte[] closingTxid) {
    db.update(PAYMENT_CHANNEL)
        .set(PAYMENT_CHANNEL.CLOSING_TXID, closingTxid)
        .set(PAYMENT_CHANNEL.UPDATED_AT, Instant.now())
        .where(
            PAYMENT_CHANNEL
                .CHANNEL_ID
                .eq(channelId)
                .and(PAYMENT_CHANNEL.ROLE.eq(payerSide ? PAYER : PAYEE)))
        .execute();
  }

  @Override
  public Optional<byte[]> proposedFunding(String channelId) {
    return db.select(PAYMENT_CHANNEL_FUNDING.RAW_TX)
        .from(PAYMENT_CHANNEL_FUNDING)
        .where(
            PAYMENT_CHANNEL_FUNDING
                .CHANNEL_ID
                .eq(channelId)
                .and(PAYMENT_CHANNEL_FUNDING.ROLE.eq(PAYER)))
        .fetchOptional(PAYMENT_CHANNEL_FUNDING.RAW_TX);
  }

  private void save(ChannelRows.Row row) {
    db.transaction(cfg -> cfg.dsl().connection(c -> ChannelRows.write(c, List.of(row))));
  }

  @Override
  public Optional<PayerChannel> payer(String channelId) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.CHANNEL_ID.eq(channelId).and(PAYMENT_CHANNEL.ROLE.eq(PAYER)))
        .fetchOptional(JdbcChannelStore::toPayer);
  }

  @Override
  public Optional<PayeeChannel> payee(String channelId) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.CHANNEL_ID.eq(channelId).and(PAYMENT_CHANNEL.ROLE.eq(PAYEE)))
        .fetchOptional(JdbcChannelStore::toPayee);
  }

  @Override
  public List<PayerChannel> payerChannels(ChannelState state) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.ROLE.eq(PAYER).and(PAYMENT_CHANNEL.STATE.eq(state.code())))
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID)
        .fetch(JdbcChannelStore::toPayer);
  }

  @Override
  public List<PayeeChannel> payeeChannels(ChannelState state) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.ROLE.eq(PAYEE).and(PAYMENT_CHANNEL.STATE.eq(state.code())))
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID)
        .fetch(JdbcChannelStore::toPayee);
  }

  @Override
  public List<PayerChannel> payerChannelsWith(String counterparty) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.COUNTERPARTY.eq(counterparty).and(PAYMENT_CHANNEL.ROLE.eq(PAYER)))
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID)
        .fetch(JdbcChannelStore::toPayer);
  }

  @Override
  public List<PayeeChannel> payeeChannelsWith(String counterparty) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.COUNTERPARTY.eq(counterparty).and(PAYMENT_CHANNEL.ROLE.eq(PAYEE)))
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID)
        .fetch(JdbcChannelStore::toPayee);
  }

  private static ChannelTerms terms(PaymentChannelRecord r) {
    return new ChannelTerms(
        r.getChannelId(),
        ChannelDirection.fromCode(r.getDirection()),
        r.getCounterparty(),
        PublicKey.fromBytes(r.getPayerPubkey()),
        PublicKey.fromBytes(r.getPayeePubkey()),
        r.getPayerScript(),
        r.getPayeeScript(),
        r.getCapacitySats(),
        r.getFeeSats(),
        r.getDustLimitSats(),
        r.getExpiryLockTime(),
        r.getFundingTxid(),
        r.getFundingIndex());
  }

  private static PayerChannel toPayer(PaymentChannelRecord r) {
    return new PayerChannel(
        terms(r),
        ChannelState.fromCode(r.getState()),
        r.getSpendingCapSats(),
        r.getRefundPayeeSig(),
        r.getSequence(),
        r.getPayeeAmountSats(),
        r.getPayerSig());
  }

  private static PayeeChannel toPayee(PaymentChannelRecord r) {
    return new PayeeChannel(
        terms(r),
        ChannelState.fromCode(r.getState()),
        r.getSequence(),
        r.getPayeeAmountSats(),
        r.getPayerSig());
  }
}

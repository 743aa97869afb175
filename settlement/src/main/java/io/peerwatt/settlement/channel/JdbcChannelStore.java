package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;

import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_COMMITMENT;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_FUNDING;

import io.peerwatt.db.schema.tables.records.PaymentChannelRecord;
import io.peerwatt.protocol.PublicKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * {@link ChannelStore} in PostgreSQL (migration V9: payment_channel and the append-only
 * payment_channel_commitment). Each save is one transaction: the channel row and, for a new
 * commitment, its history row.
 */
public final class JdbcChannelStore implements ChannelStore {
  private static final String PAYER = "payer";
  private static final String PAYEE = "payee";
  private final DSLContext db;

  public JdbcChannelStore(DSLContext db) {
    this.db = db;
  }

  @Override
  public void savePayer(PayerChannel c) {
    save(PAYER, c.terms(), c.state(), c.spendingCapSats(), c.refundPayeeSignature(), c.sequence(),
        c.payeeAmountSats(), c.payerSignature());
  }

  @Override
  public void savePayee(PayeeChannel c) {
    save(PAYEE, c.terms(), c.state(), null, null, c.sequence(), c.payeeAmountSats(), c.payerSignature());
  }

  @Override
  public void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx) {
    if (proposed.state() != ChannelState.PROPOSED) {
      throw new IllegalArgumentException("only a proposed channel is saved with its funding");
    }
    db.transaction(cfg -> {
      new JdbcChannelStore(cfg.dsl()).savePayer(proposed);
      cfg.dsl().insertInto(PAYMENT_CHANNEL_FUNDING)
          .set(PAYMENT_CHANNEL_FUNDING.CHANNEL_ID, proposed.channelId())
          .set(PAYMENT_CHANNEL_FUNDING.ROLE, PAYER)
          .set(PAYMENT_CHANNEL_FUNDING.RAW_TX, fundingRawTx)
          .onConflictDoNothing()
          .execute();
    });
  }

  @Override
  public void recordClosing(String channelId, boolean payerSide, byte[] closingTxid) {
    db.update(PAYMENT_CHANNEL).set(PAYMENT_CHANNEL.CLOSING_TXID, closingTxid)
        .set(PAYMENT_CHANNEL.UPDATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(PAYMENT_CHANNEL.CHANNEL_ID.eq(channelId).and(PAYMENT_CHANNEL.ROLE.eq(payerSide ? PAYER : PAYEE)))
        .execute();
  }

  @Override
  public Optional<byte[]> proposedFunding(String channelId) {
    return db.select(PAYMENT_CHANNEL_FUNDING.RAW_TX).from(PAYMENT_CHANNEL_FUNDING)
        .where(PAYMENT_CHANNEL_FUNDING.CHANNEL_ID.eq(channelId).and(PAYMENT_CHANNEL_FUNDING.ROLE.eq(PAYER)))
        .fetchOptional(PAYMENT_CHANNEL_FUNDING.RAW_TX);
  }

  private void save(String role, ChannelTerms t, ChannelState state, Long cap, byte[] refundSig, long sequence,
      long payeeAmount, byte[] payerSig) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    db.transaction(cfg -> {
      DSLContext tx = cfg.dsl();
      tx.insertInto(PAYMENT_CHANNEL)
          .set(PAYMENT_CHANNEL.CHANNEL_ID, t.channelId())
          .set(PAYMENT_CHANNEL.ROLE, role)
          .set(PAYMENT_CHANNEL.DIRECTION, t.direction().code())
          .set(PAYMENT_CHANNEL.COUNTERPARTY, t.prosumerAccount())
          .set(PAYMENT_CHANNEL.PAYER_PUBKEY, t.payerKey().bytes())
          .set(PAYMENT_CHANNEL.PAYEE_PUBKEY, t.payeeKey().bytes())
          .set(PAYMENT_CHANNEL.PAYER_SCRIPT, t.payerScript())
          .set(PAYMENT_CHANNEL.PAYEE_SCRIPT, t.payeeScript())
          .set(PAYMENT_CHANNEL.CAPACITY_SATS, t.capacitySats())
          .set(PAYMENT_CHANNEL.FEE_SATS, t.feeSats())
          .set(PAYMENT_CHANNEL.DUST_LIMIT_SATS, t.dustLimitSats())
          .set(PAYMENT_CHANNEL.EXPIRY_LOCK_TIME, t.expiryLockTime())
          .set(PAYMENT_CHANNEL.FUNDING_TXID, t.fundingTxid())
          .set(PAYMENT_CHANNEL.FUNDING_INDEX, t.fundingIndex())
          .set(PAYMENT_CHANNEL.SPENDING_CAP_SATS, cap)
          .set(PAYMENT_CHANNEL.REFUND_PAYEE_SIG, refundSig)
          .set(PAYMENT_CHANNEL.STATE, state.code())
          .set(PAYMENT_CHANNEL.SEQUENCE, sequence)
          .set(PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS, payeeAmount)
          .set(PAYMENT_CHANNEL.PAYER_SIG, payerSig)
          .onConflict(PAYMENT_CHANNEL.CHANNEL_ID, PAYMENT_CHANNEL.ROLE).doUpdate()
          .set(PAYMENT_CHANNEL.STATE, state.code())
          .set(PAYMENT_CHANNEL.REFUND_PAYEE_SIG, refundSig)
          .set(PAYMENT_CHANNEL.SEQUENCE, sequence)
          .set(PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS, payeeAmount)
          .set(PAYMENT_CHANNEL.PAYER_SIG, payerSig)
          .set(PAYMENT_CHANNEL.UPDATED_AT, now)
          .execute();
      if (sequence > 0) {
        tx.insertInto(PAYMENT_CHANNEL_COMMITMENT)
            .set(PAYMENT_CHANNEL_COMMITMENT.CHANNEL_ID, t.channelId())
            .set(PAYMENT_CHANNEL_COMMITMENT.ROLE, role)
            .set(PAYMENT_CHANNEL_COMMITMENT.SEQUENCE, sequence)
            .set(PAYMENT_CHANNEL_COMMITMENT.PAYEE_AMOUNT_SATS, payeeAmount)
            .set(PAYMENT_CHANNEL_COMMITMENT.PAYER_SIG, payerSig)
            .onConflictDoNothing()
            .execute();
      }
    });
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
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID).fetch(JdbcChannelStore::toPayer);
  }

  @Override
  public List<PayeeChannel> payeeChannels(ChannelState state) {
    return db.selectFrom(PAYMENT_CHANNEL)
        .where(PAYMENT_CHANNEL.ROLE.eq(PAYEE).and(PAYMENT_CHANNEL.STATE.eq(state.code())))
        .orderBy(PAYMENT_CHANNEL.CHANNEL_ID).fetch(JdbcChannelStore::toPayee);
  }

  private static ChannelTerms terms(PaymentChannelRecord r) {
    return new ChannelTerms(r.getChannelId(), ChannelDirection.fromCode(r.getDirection()), r.getCounterparty(),
        PublicKey.fromBytes(r.getPayerPubkey()), PublicKey.fromBytes(r.getPayeePubkey()), r.getPayerScript(),
        r.getPayeeScript(), r.getCapacitySats(), r.getFeeSats(), r.getDustLimitSats(), r.getExpiryLockTime(),
        r.getFundingTxid(), r.getFundingIndex());
  }

  private static PayerChannel toPayer(PaymentChannelRecord r) {
    return new PayerChannel(terms(r), ChannelState.fromCode(r.getState()), r.getSpendingCapSats(),
        r.getRefundPayeeSig(), r.getSequence(), r.getPayeeAmountSats(), r.getPayerSig());
  }

  private static PayeeChannel toPayee(PaymentChannelRecord r) {
    return new PayeeChannel(terms(r), ChannelState.fromCode(r.getState()), r.getSequence(), r.getPayeeAmountSats(),
        r.getPayerSig());
  }
}

package io.peerwatt.settlement.channel;

import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_COMMITMENT;
import static org.jooq.impl.DSL.excluded;

import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The rows one channel save writes (V9: the {@code payment_channel} row, upserted, and for a signed or
 * accepted commitment its {@code payment_channel_commitment} history row), and the one way both JDBC
 * stores write them: prepared statements rendered once from the generated schema, executed as JDBC
 * batches in the caller's transaction, in list order (so a later save of the same channel wins, as if
 * the saves had run one after another).
 */
final class ChannelRows {
  static final String PAYER = "payer";
  static final String PAYEE = "payee";

  /** Columns of the channel upsert, in bind order. */
  private static final Field<?>[] CHANNEL_COLUMNS = {
      PAYMENT_CHANNEL.CHANNEL_ID, PAYMENT_CHANNEL.ROLE, PAYMENT_CHANNEL.DIRECTION, PAYMENT_CHANNEL.COUNTERPARTY,
      PAYMENT_CHANNEL.PAYER_PUBKEY, PAYMENT_CHANNEL.PAYEE_PUBKEY, PAYMENT_CHANNEL.PAYER_SCRIPT,
      PAYMENT_CHANNEL.PAYEE_SCRIPT, PAYMENT_CHANNEL.CAPACITY_SATS, PAYMENT_CHANNEL.FEE_SATS,
      PAYMENT_CHANNEL.DUST_LIMIT_SATS, PAYMENT_CHANNEL.EXPIRY_LOCK_TIME, PAYMENT_CHANNEL.FUNDING_TXID,
      PAYMENT_CHANNEL.FUNDING_INDEX, PAYMENT_CHANNEL.SPENDING_CAP_SATS, PAYMENT_CHANNEL.REFUND_PAYEE_SIG,
      PAYMENT_CHANNEL.STATE, PAYMENT_CHANNEL.SEQUENCE, PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS, PAYMENT_CHANNEL.PAYER_SIG,
      PAYMENT_CHANNEL.UPDATED_AT};

  /** Columns of the commitment insert, in bind order. */
  private static final Field<?>[] COMMITMENT_COLUMNS = {
      PAYMENT_CHANNEL_COMMITMENT.CHANNEL_ID, PAYMENT_CHANNEL_COMMITMENT.ROLE, PAYMENT_CHANNEL_COMMITMENT.SEQUENCE,
      PAYMENT_CHANNEL_COMMITMENT.PAYEE_AMOUNT_SATS, PAYMENT_CHANNEL_COMMITMENT.PAYER_SIG};

  /** Terms are fixed when a channel opens: a later save only moves state, signatures, sequence and amount. */
  static final String UPSERT_CHANNEL;
  static final String INSERT_COMMITMENT;

  static {
    DSLContext render = DSL.using(SQLDialect.POSTGRES);
    UPSERT_CHANNEL = render.insertInto(PAYMENT_CHANNEL).columns(CHANNEL_COLUMNS)
        .values(Collections.nCopies(CHANNEL_COLUMNS.length, null))
        .onConflict(PAYMENT_CHANNEL.CHANNEL_ID, PAYMENT_CHANNEL.ROLE).doUpdate()
        .set(PAYMENT_CHANNEL.STATE, excluded(PAYMENT_CHANNEL.STATE))
        .set(PAYMENT_CHANNEL.REFUND_PAYEE_SIG, excluded(PAYMENT_CHANNEL.REFUND_PAYEE_SIG))
        .set(PAYMENT_CHANNEL.SEQUENCE, excluded(PAYMENT_CHANNEL.SEQUENCE))
        .set(PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS, excluded(PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS))
        .set(PAYMENT_CHANNEL.PAYER_SIG, excluded(PAYMENT_CHANNEL.PAYER_SIG))
        .set(PAYMENT_CHANNEL.UPDATED_AT, excluded(PAYMENT_CHANNEL.UPDATED_AT))
        .getSQL();
    INSERT_COMMITMENT = render.insertInto(PAYMENT_CHANNEL_COMMITMENT).columns(COMMITMENT_COLUMNS)
        .values(Collections.nCopies(COMMITMENT_COLUMNS.length, null))
        .onConflictDoNothing()
        .getSQL();
    requireBinds(UPSERT_CHANNEL, CHANNEL_COLUMNS.length);
    requireBinds(INSERT_COMMITMENT, COMMITMENT_COLUMNS.length);
  }

  private ChannelRows() {}

  /**
   * One side's channel as it is saved.
   *
   * @param role {@link #PAYER} or {@link #PAYEE}
   * @param spendingCapSats the payer's cap; null for the payee
   * @param refundPayeeSignature the payer's copy of the refund signature; null for the payee
   */
  record Row(String role, ChannelTerms terms, ChannelState state, Long spendingCapSats, byte[] refundPayeeSignature,
      long sequence, long payeeAmountSats, byte[] payerSignature) {

    static Row of(PayerChannel c) {
      return new Row(PAYER, c.terms(), c.state(), c.spendingCapSats(), c.refundPayeeSignature(), c.sequence(),
          c.payeeAmountSats(), c.payerSignature());
    }

    static Row of(PayeeChannel c) {
      return new Row(PAYEE, c.terms(), c.state(), null, null, c.sequence(), c.payeeAmountSats(), c.payerSignature());
    }

    /** A commitment goes with every sequence after 0. */
    boolean hasCommitment() {
      return sequence > 0;
    }
  }

  /**
   * Writes {@code rows} in order on {@code c}, which must be inside a transaction (auto-commit off):
   * the caller commits. The transaction commits durably (WAL flushed) even where the server's default
   * {@code synchronous_commit} is off, because a save is acknowledged to a counterparty right after.
   */
  static void write(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL synchronous_commit TO on");
    }
    OffsetDateTime now = OffsetDateTime.now(java.time.ZoneOffset.UTC);
    boolean anyCommitment = false;
    try (PreparedStatement ps = c.prepareStatement(UPSERT_CHANNEL)) {
      for (Row r : rows) {
        ChannelTerms t = r.terms();
        ps.setString(1, t.channelId());
        ps.setString(2, r.role());
        ps.setString(3, t.direction().code());
        ps.setString(4, t.prosumerAccount());
        ps.setBytes(5, t.payerKey().bytes());
        ps.setBytes(6, t.payeeKey().bytes());
        ps.setBytes(7, t.payerScript());
        ps.setBytes(8, t.payeeScript());
        ps.setLong(9, t.capacitySats());
        ps.setLong(10, t.feeSats());
        ps.setLong(11, t.dustLimitSats());
        ps.setLong(12, t.expiryLockTime());
        ps.setBytes(13, t.fundingTxid());
        ps.setLong(14, t.fundingIndex());
        ps.setObject(15, r.spendingCapSats(), Types.BIGINT);
        ps.setBytes(16, r.refundPayeeSignature());
        ps.setString(17, r.state().code());
        ps.setLong(18, r.sequence());
        ps.setLong(19, r.payeeAmountSats());
        ps.setBytes(20, r.payerSignature());
        ps.setObject(21, now);
        ps.addBatch();
        anyCommitment |= r.hasCommitment();
      }
      ps.executeBatch();
    }
    if (!anyCommitment) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT_COMMITMENT)) {
      for (Row r : rows) {
        if (r.hasCommitment()) {
          ps.setString(1, r.terms().channelId());
          ps.setString(2, r.role());
          ps.setLong(3, r.sequence());
          ps.setLong(4, r.payeeAmountSats());
          ps.setBytes(5, r.payerSignature());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static void requireBinds(String sql, int expected) {
    long binds = sql.chars().filter(ch -> ch == '?').count();
    if (binds != expected) {
      throw new IllegalStateException("expected " + expected + " bind markers, jOOQ rendered " + binds + ": " + sql);
    }
  }
}

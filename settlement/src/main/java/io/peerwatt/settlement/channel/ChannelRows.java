package io.peerwatt.settlement.channel;

import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL;
import static io.peerwatt.db.schema.Tables.PAYMENT_CHANNEL_COMMITMENT;

import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.Field;

/**
 * The rows one channel save writes (V9: the {@code payment_channel} row, upserted, and for a signed
 * or accepted commitment its {@code payment_channel_commitment} history row), and how the JDBC
 * stores write them: one statement over column arrays ({@link #writeAsArrays}), named from the
 * generated schema, in auto-commit ({@link GroupCommitChannelStore}) or, with a durable commit
 * forced, in the caller's transaction ({@link #write}, {@link JdbcChannelStore}). The result is
 * that of saving the rows one after another in list order.
 */
final class ChannelRows {
  static final String PAYER = "payer";
  static final String PAYEE = "payee";

  /** Columns of the channel upsert, in bind order. */
  private static final Field<?>[] CHANNEL_COLUMNS = {
    PAYMENT_CHANNEL.CHANNEL_ID,
    PAYMENT_CHANNEL.ROLE,
    PAYMENT_CHANNEL.DIRECTION,
    PAYMENT_CHANNEL.COUNTERPARTY,
    PAYMENT_CHANNEL.PAYER_PUBKEY,
    PAYMENT_CHANNEL.PAYEE_PUBKEY,
    PAYMENT_CHANNEL.PAYER_SCRIPT,
    PAYMENT_CHANNEL.PAYEE_SCRIPT,
    PAYMENT_CHANNEL.CAPACITY_SATS,
    PAYMENT_CHANNEL.FEE_SATS,
    PAYMENT_CHANNEL.DUST_LIMIT_SATS,
    PAYMENT_CHANNEL.EXPIRY_LOCK_TIME,
    PAYMENT_CHANNEL.FUNDING_TXID,
    PAYMENT_CHANNEL.FUNDING_INDEX,
    PAYMENT_CHANNEL.SPENDING_CAP_SATS,
    PAYMENT_CHANNEL.REFUND_PAYEE_SIG,
    PAYMENT_CHANNEL.STATE,
    PAYMENT_CHANNEL.SEQUENCE,
    PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS,
    PAYMENT_CHANNEL.PAYER_SIG,
    PAYMENT_CHANNEL.UPDATED_AT
  };

  /** Columns of the commitment insert, in bind order. */
  private static final Field<?>[] COMMITMENT_COLUMNS = {
    PAYMENT_CHANNEL_COMMITMENT.CHANNEL_ID,
    PAYMENT_CHANNEL_COMMITMENT.ROLE,
    PAYMENT_CHANNEL_COMMITMENT.SEQUENCE,
    PAYMENT_CHANNEL_COMMITMENT.PAYEE_AMOUNT_SATS,
    PAYMENT_CHANNEL_COMMITMENT.PAYER_SIG
  };

  /**
   * Terms are fixed when a channel opens: a later save only moves state, signatures, sequence and
   * amount.
   */
  private static final Field<?>[] UPDATED_ON_CONFLICT = {
    PAYMENT_CHANNEL.STATE, PAYMENT_CHANNEL.REFUND_PAYEE_SIG, PAYMENT_CHANNEL.SEQUENCE,
    PAYMENT_CHANNEL.PAYEE_AMOUNT_SATS, PAYMENT_CHANNEL.PAYER_SIG, PAYMENT_CHANNEL.UPDATED_AT
  };

  /**
   * Every row of a batch in one statement (so one round trip, and in auto-commit one commit): the
   * channel rows and the commitment rows as column arrays, unnested; the upsert runs as a
   * data-modifying WITH, whose rows the commitments' foreign key sees at the end of the statement.
   */
  static final String UPSERT_ALL_AS_ARRAYS;

  static {
    int arrays = CHANNEL_COLUMNS.length - 1;
    UPSERT_ALL_AS_ARRAYS =
        "with channels as (insert into "
            + quoted(PAYMENT_CHANNEL.getName())
            + " ("
            + names(CHANNEL_COLUMNS, CHANNEL_COLUMNS.length)
            + ") select u.*, ?::timestamptz from unnest("
            + arrayBinds(CHANNEL_COLUMNS, arrays)
            + ") as u on conflict ("
            + quoted(PAYMENT_CHANNEL.CHANNEL_ID.getName())
            + ", "
            + quoted(PAYMENT_CHANNEL.ROLE.getName())
            + ") do update set "
            + Arrays.stream(UPDATED_ON_CONFLICT)
                .map(f -> quoted(f.getName()) + " = excluded." + quoted(f.getName()))
                .collect(Collectors.joining(", "))
            + " returning 1) insert into "
            + quoted(PAYMENT_CHANNEL_COMMITMENT.getName())
            + " ("
            + names(COMMITMENT_COLUMNS, COMMITMENT_COLUMNS.length)
            + ") select * from unnest("
            + arrayBinds(COMMITMENT_COLUMNS, COMMITMENT_COLUMNS.length)
            + ") on conflict do nothing";
    requireBinds(UPSERT_ALL_AS_ARRAYS, arrays + 1 + COMMITMENT_COLUMNS.length);
  }

  private ChannelRows() {}

  /**
   * One side's channel as it is saved.
   *
   * @param role {@link #PAYER} or {@link #PAYEE}
   * @param spendingCapSats the payer's cap; null for the payee
   * @param refundPayeeSignature the payer's copy of the refund signature; null for the payee
   */
  record Row(
      String role,
      ChannelTerms terms,
      ChannelState state,
      Long spendingCapSats,
      byte[] refundPayeeSignature,
      long sequence,
      long payeeAmountSats,
      byte[] payerSignature) {

    static Row of(PayerChannel c) {
      return new Row(
          PAYER,
          c.terms(),
          c.state(),
          c.spendingCapSats(),
          c.refundPayeeSignature(),
          c.sequence(),
          c.payeeAmountSats(),
          c.payerSignature());
    }

    static Row of(PayeeChannel c) {
      return new Row(
          PAYEE,
          c.terms(),
          c.state(),
          null,
          null,
          c.sequence(),
          c.payeeAmountSats(),
          c.payerSignature());
    }

    /** A commitment goes with every sequence after 0. */
    boolean hasCommitment() {
      return sequence > 0;
    }
  }

  /**
   * Writes {@code rows} in order on {@code c}, which must be inside a transaction (auto-commit
   * off): the caller commits. The transaction commits durably (WAL flushed) even where the server's
   * default {@code synchronous_commit} is off, because a save is acknowledged to a counterparty
   * right after.
   */
  static void write(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL synchronous_commit TO on");
    }
    writeAsArrays(c, rows);
  }

  /**
   * Writes {@code rows} with {@link #UPSERT_ALL_AS_ARRAYS} on {@code c}: in auto-commit, that is
   * one round trip and one commit for the whole batch. The result is that of saving the rows one
   * after another in list order: of several rows of one channel and side the last is its row, and
   * of several commitment rows with the same sequence the first is kept.
   */
  static void writeAsArrays(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, Row> channels = new LinkedHashMap<>();
    Map<String, Row> commitments = new LinkedHashMap<>();
    for (Row r : rows) {
      String key = r.role() + ':' + r.terms().channelId();
      channels.put(key, r);
      if (r.hasCommitment()) {
        commitments.putIfAbsent(key + ':' + r.sequence(), r);
      }
    }
    int n = channels.size();
    String[] ids = new String[n];
    String[] roles = new String[n];
    String[] directions = new String[n];
    String[] counterparties = new String[n];
    byte[][] payerKeys = new byte[n][];
    byte[][] payeeKeys = new byte[n][];
    byte[][] payerScripts = new byte[n][];
    byte[][] payeeScripts = new byte[n][];
    Long[] capacities = new Long[n];
    Long[] fees = new Long[n];
    Long[] dustLimits = new Long[n];
    Long[] expiries = new Long[n];
    byte[][] fundingTxids = new byte[n][];
    Long[] fundingIndexes = new Long[n];
    Long[] caps = new Long[n];
    byte[][] refundSigs = new byte[n][];
    String[] states = new String[n];
    Long[] sequences = new Long[n];
    Long[] amounts = new Long[n];
    byte[][] payerSigs = new byte[n][];
    int i = 0;
    for (Row r : channels.values()) {
      ChannelTerms t = r.terms();
      ids[i] = t.channelId();
      roles[i] = r.role();
      directions[i] = t.direction().code();
      counterparties[i] = t.prosumerAccount();
      payerKeys[i] = t.payerKey().bytes();
      payeeKeys[i] = t.payeeKey().bytes();
      payerScripts[i] = t.payerScript();
      payeeScripts[i] = t.payeeScript();
      capacities[i] = t.capacitySats();
      fees[i] = t.feeSats();
      dustLimits[i] = t.dustLimitSats();
      expiries[i] = t.expiryLockTime();
      fundingTxids[i] = t.fundingTxid();
      fundingIndexes[i] = t.fundingIndex();
      caps[i] = r.spendingCapSats();
      refundSigs[i] = r.refundPayeeSignature();
      states[i] = r.state().code();
      sequences[i] = r.sequence();
      amounts[i] = r.payeeAmountSats();
      payerSigs[i] = r.payerSignature();
      i++;
    }
    int m = commitments.size();
    String[] cIds = new String[m];
    String[] cRoles = new String[m];
    Long[] cSequences = new Long[m];
    Long[] cAmounts = new Long[m];
    byte[][] cSigs = new byte[m][];
    int k = 0;
    for (Row r : commitments.values()) {
      cIds[k] = r.terms().channelId();
      cRoles[k] = r.role();
      cSequences[k] = r.sequence();
      cAmounts[k] = r.payeeAmountSats();
      cSigs[k] = r.payerSignature();
      k++;
    }
    Object[][] columns = {
      ids,
      roles,
      directions,
      counterparties,
      payerKeys,
      payeeKeys,
      payerScripts,
      payeeScripts,
      capacities,
      fees,
      dustLimits,
      expiries,
      fundingTxids,
      fundingIndexes,
      caps,
      refundSigs,
      states,
      sequences,
      amounts,
      payerSigs
    };
    try (PreparedStatement ps = c.prepareStatement(UPSERT_ALL_AS_ARRAYS)) {
      // in the statement's order: updated_at (in the select list), the channel arrays, the
      // commitment arrays
      int p = 1;
      ps.setObject(p++, OffsetDateTime.now(ZoneOffset.UTC));
      for (int col = 0; col < columns.length; col++) {
        ps.setArray(p++, c.createArrayOf(elementType(CHANNEL_COLUMNS[col]), columns[col]));
      }
      Object[][] commitmentColumns = {cIds, cRoles, cSequences, cAmounts, cSigs};
      for (int col = 0; col < commitmentColumns.length; col++) {
        ps.setArray(
            p++, c.createArrayOf(elementType(COMMITMENT_COLUMNS[col]), commitmentColumns[col]));
      }
      ps.executeUpdate();
    }
  }

  private static String quoted(String name) {
    return '"' + name + '"';
  }

  private static String names(Field<?>[] fields, int count) {
    return Arrays.stream(fields, 0, count)
        .map(f -> quoted(f.getName()))
        .collect(Collectors.joining(", "));
  }

  private static String arrayBinds(Field<?>[] fields, int count) {
    return Arrays.stream(fields, 0, count)
        .map(f -> "?::" + elementType(f) + "[]")
        .collect(Collectors.joining(", "));
  }

  /** PostgreSQL's name of the column's type, as an array element. */
  private static String elementType(Field<?> f) {
    Class<?> type = f.getType();
    if (type == String.class) {
      return "varchar";
    }
    if (type == Long.class) {
      return "int8";
    }
    if (type == byte[].class) {
      return "bytea";
    }
    throw new IllegalStateException("no array type for " + f + " of " + type);
  }

  private static void requireBinds(String sql, int expected) {
    long binds = sql.chars().filter(ch -> ch == '?').count();
    if (binds != expected) {
      throw new IllegalStateException(
          "expected " + expected + " bind markers, jOOQ rendered " + binds + ": " + sql);
    }
  }
}

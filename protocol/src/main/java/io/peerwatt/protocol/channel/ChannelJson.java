package io.peerwatt.protocol.channel;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON forms of channel terms and commitments that a gateway and the platform exchange (and a
 * gateway keeps on disk). Byte fields are lowercase hex; the funding txid is in display order (as
 * explorers show it). Members are written in a fixed order; reading rejects unknown members, so a
 * typo cannot silently change what is agreed.
 */
public final class ChannelJson {
  private ChannelJson() {}

  /** The terms as an ordered JSON object. */
  public static Map<String, Object> terms(ChannelTerms t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channelId", t.channelId());
    m.put("direction", t.direction().code());
    m.put("prosumerAccount", t.prosumerAccount());
    m.put("payerKey", t.payerKey().hex());
    m.put("payeeKey", t.payeeKey().hex());
    m.put("payerScript", StrictHex.encode(t.payerScript()));
    m.put("payeeScript", StrictHex.encode(t.payeeScript()));
    m.put("capacitySats", t.capacitySats());
    m.put("feeSats", t.feeSats());
    m.put("dustLimitSats", t.dustLimitSats());
    m.put("expiryLockTime", t.expiryLockTime());
    m.put("fundingTxid", Transaction.txidToHex(t.fundingTxid()));
    m.put("fundingIndex", t.fundingIndex());
    return m;
  }

  /**
   * Reads terms from their JSON object.
   *
   * @throws FormatException when a member is missing, unknown or malformed, or the terms are
   *     inconsistent
   */
  public static ChannelTerms readTerms(Map<String, Object> m) {
    Json.requireOnly(
        m,
        "channel terms",
        "channelId",
        "direction",
        "prosumerAccount",
        "payerKey",
        "payeeKey",
        "payerScript",
        "payeeScript",
        "capacitySats",
        "feeSats",
        "dustLimitSats",
        "expiryLockTime",
        "fundingTxid",
        "fundingIndex");
    try {
      return new ChannelTerms(
          Json.string(m, "channelId"),
          ChannelDirection.fromCode(Json.string(m, "direction")),
          Json.string(m, "prosumerAccount"),
          PublicKey.fromHex(Json.string(m, "payerKey")),
          PublicKey.fromHex(Json.string(m, "payeeKey")),
          StrictHex.decode(Json.string(m, "payerScript"), "payerScript"),
          StrictHex.decode(Json.string(m, "payeeScript"), "payeeScript"),
          Json.integer(m, "capacitySats"),
          Json.integer(m, "feeSats"),
          Json.integer(m, "dustLimitSats"),
          Json.integer(m, "expiryLockTime"),
          Transaction.txidFromHex(Json.string(m, "fundingTxid")),
          Json.integer(m, "fundingIndex"));
    } catch (IllegalArgumentException e) {
      throw new FormatException("channel terms: " + e.getMessage(), e);
    }
  }

  /** A commitment update as an ordered JSON object. */
  public static Map<String, Object> update(CommitmentUpdate u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channelId", u.channelId());
    m.put("sequence", u.sequence());
    m.put("payeeAmountSats", u.payeeAmountSats());
    m.put("rawTx", StrictHex.encode(u.rawTx()));
    m.put("payerSignature", StrictHex.encode(u.payerSignature()));
    return m;
  }

  /**
   * Reads a commitment update; {@code extraMembers} names members the caller reads itself (for
   * example a payment id sent beside the update).
   *
   * @throws FormatException when a member is missing, unknown or malformed
   */
  public static CommitmentUpdate readUpdate(Map<String, Object> m, String... extraMembers) {
    String[] allowed = new String[5 + extraMembers.length];
    System.arraycopy(
        new String[] {"channelId", "sequence", "payeeAmountSats", "rawTx", "payerSignature"},
        0,
        allowed,
        0,
        5);
    System.arraycopy(extraMembers, 0, allowed, 5, extraMembers.length);
    Json.requireOnly(m, "commitment", allowed);
    return new CommitmentUpdate(
        Json.string(m, "channelId"),
        Json.integer(m, "sequence", 1, Long.MAX_VALUE),
        Json.integer(m, "payeeAmountSats", 1, Long.MAX_VALUE),
        StrictHex.decode(Json.string(m, "rawTx"), "rawTx"),
        StrictHex.decode(Json.string(m, "payerSignature"), "payerSignature"));
  }
}

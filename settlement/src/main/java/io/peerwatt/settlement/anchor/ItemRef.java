package io.peerwatt.settlement.anchor;

/**
 * How anchored items are named in storage and in the proof endpoints: a reading is {@code
 * deviceId/channel/sequence}, a trade its id, a statement {@code
 * accountId/zone/slotStartEpochSeconds/version}, a report its SHA-256 hex, an enrolment the
 * certificate's serial (platform-wide and never reused).
 */
public final class ItemRef {
  /** Longest reference stored (VARCHAR in the anchor_leaf table). */
  public static final int MAX_LENGTH = 120;

  private ItemRef() {}

  public static String reading(long deviceId, int channel, long sequence) {
    return deviceId + "/" + channel + "/" + sequence;
  }

  /** A consent: {@code event} is {@code granted} or {@code revoked}. */
  public static String consent(long grantId, String event) {
    return grantId + "/" + event;
  }

  public static String flexibility(long acceptanceId) {
    return Long.toString(acceptanceId);
  }

  public static String trade(long tradeId) {
    return Long.toString(tradeId);
  }

  public static String enrolment(long certificateSerial) {
    return Long.toString(certificateSerial);
  }

  public static String statement(
      long accountId, String zoneCode, long slotStartEpochSeconds, int version) {
    return accountId + "/" + zoneCode + "/" + slotStartEpochSeconds + "/" + version;
  }
}

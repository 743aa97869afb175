package io.peerwatt.protocol.bsv;

/**
 * Sighash type bits: the byte appended to a transaction signature, saying what the signature
 * commits to.
 *
 * <p>Base types {@link #ALL} (1), {@link #NONE} (2), {@link #SINGLE} (3) in the low five bits, plus
 * {@link #FORKID} (0x40, the BIP143-style digest that commits to the spent amount) and {@link
 * #ANYONECANPAY} (0x80, only this input is committed).
 *
 * <p><b>The 0x20 bit ({@link #CHRONICLE}), a deliberate decision.</b> BSV's Chronicle upgrade makes
 * {@code FORKID|CHRONICLE} (0x60) select the original ("OTC") digest instead of the BIP143-style
 * one.
 *
 * <ul>
 *   <li>{@link Sighash} computes digests exactly as the node 1.2 does, which its own sighash.json
 *       pins: 0x40 without 0x20 gives the FORKID digest, every other type (0x60 included) the
 *       original digest; the full type value is committed to either way. So {@code peerwatt tx
 *       sighash} reproduces the node for any type.
 *   <li>{@link TxSigner} refuses to sign with the 0x20 bit: PeerWatt never produces a signature
 *       whose meaning depends on whether Chronicle has activated.
 *   <li>The {@link Interpreter} applies pre-Chronicle signature rules: under STRICTENC (implied by
 *       FORKID) a signature carrying 0x20 fails with {@link ScriptError#ILLEGAL_CHRONICLE};
 *       Chronicle's relaxed malleability rules are not implemented.
 * </ul>
 */
public final class SigHashType {
  private SigHashType() {}

  public static final int ALL = 0x01;
  public static final int NONE = 0x02;
  public static final int SINGLE = 0x03;

  /**
   * Introduced by BSV's Chronicle upgrade; see the class comment for what PeerWatt does with it.
   */
  public static final int CHRONICLE = 0x20;

  public static final int FORKID = 0x40;
  public static final int ANYONECANPAY = 0x80;

  /** PeerWatt's default: SIGHASH_ALL | SIGHASH_FORKID (0x41). */
  public static final int ALL_FORKID = ALL | FORKID;

  /** The base type: the low five bits. */
  public static int baseType(int hashType) {
    return hashType & 0x1f;
  }

  public static boolean hasForkId(int hashType) {
    return (hashType & FORKID) != 0;
  }

  public static boolean hasAnyoneCanPay(int hashType) {
    return (hashType & ANYONECANPAY) != 0;
  }

  public static boolean hasChronicle(int hashType) {
    return (hashType & CHRONICLE) != 0;
  }

  /**
   * The node's isDefined: the type byte without FORKID, ANYONECANPAY and CHRONICLE is ALL, NONE or
   * SINGLE.
   */
  public static boolean isDefined(int hashTypeByte) {
    int base = hashTypeByte & ~(FORKID | ANYONECANPAY | CHRONICLE) & 0xFF;
    return base >= ALL && base <= SINGLE;
  }

  /** Name in the node's ASM style ({@code ALL|FORKID|ANYONECANPAY}), or null for other bytes. */
  public static String name(int hashTypeByte) {
    if ((hashTypeByte & ~(FORKID | ANYONECANPAY | 0x03)) != 0) {
      return null;
    }
    String base =
        switch (hashTypeByte & 0x03) {
          case ALL -> "ALL";
          case NONE -> "NONE";
          case SINGLE -> "SINGLE";
          default -> null;
        };
    if (base == null) {
      return null;
    }
    return base
        + (hasForkId(hashTypeByte) ? "|FORKID" : "")
        + (hasAnyoneCanPay(hashTypeByte) ? "|ANYONECANPAY" : "");
  }

  /**
   * "[ALL|FORKID]" when {@code push} is a strictly DER-encoded signature with a named type, else
   * null.
   */
  static String asmSuffix(byte[] push) {
    if (!Interpreter.isValidSignatureEncoding(push)) {
      return null;
    }
    String name = name(push[push.length - 1] & 0xFF);
    return name == null ? null : "[" + name + "]";
  }
}

package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.util.encoders.Hex;

/**
 * A Bitcoin SV script as raw bytes, with parsing into {@link ScriptChunk}s, the node's ASM form and
 * builders for the templates PeerWatt uses (P2PKH, bare multisig, {@code OP_FALSE OP_RETURN} data).
 *
 * <p>Any byte string is a {@code Script}; {@link #chunks()} throws {@link FormatException} when a
 * push runs past the end, and {@link #toAsm()} then ends with {@code [error]} like the node.
 */
public final class Script {
  private final byte[] bytes;

  private Script(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The script with exactly these bytes. */
  public static Script of(byte[] bytes) {
    return new Script(bytes.clone());
  }

  /** The script with these hex bytes. */
  public static Script fromHex(String hex) {
    return new Script(Transaction.decodeHex(hex.strip(), "script hex"));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String toHex() {
    return Hex.toHexString(bytes);
  }

  public int size() {
    return bytes.length;
  }

  /** The instructions in order; throws {@link FormatException} if a push is truncated. */
  public List<ScriptChunk> chunks() {
    List<ScriptChunk> out = new ArrayList<>();
    Reader r = new Reader(bytes);
    while (r.hasNext()) {
      if (!r.next()) {
        throw new FormatException("script truncated in push at offset " + r.opStart);
      }
      out.add(new ScriptChunk(r.opcode, r.opcode <= Opcodes.OP_PUSHDATA4 ? r.data() : null));
    }
    return out;
  }

  /**
   * Serializes instructions back to bytes, keeping each push's own opcode (so a non-minimal push
   * stays non-minimal): {@code fromChunks(s.chunks()).equals(s)} for every parseable script. Throws
   * {@link IllegalArgumentException} when a push's data does not fit its opcode.
   */
  public static Script fromChunks(List<ScriptChunk> chunks) {
    ByteWriter w = new ByteWriter();
    for (ScriptChunk c : chunks) {
      int op = c.opcode();
      w.writeByte(op);
      if (op > Opcodes.OP_PUSHDATA4) {
        continue;
      }
      byte[] data = c.data() == null ? new byte[0] : c.data();
      int n = data.length;
      if (op < Opcodes.OP_PUSHDATA1) {
        if (n != op) {
          throw new IllegalArgumentException(
              "direct push 0x" + Integer.toHexString(op) + " needs " + op + " bytes, got " + n);
        }
      } else if (op == Opcodes.OP_PUSHDATA1) {
        if (n > 0xFF) {
          throw new IllegalArgumentException("OP_PUSHDATA1 holds at most 255 bytes, got " + n);
        }
        w.writeByte(n);
      } else if (op == Opcodes.OP_PUSHDATA2) {
        if (n > 0xFFFF) {
          throw new IllegalArgumentException("OP_PUSHDATA2 holds at most 65535 bytes, got " + n);
        }
        w.writeUInt16LE(n);
      } else {
        w.writeUInt32LE(n);
      }
      w.write(data);
    }
    return new Script(w.toByteArray());
  }

  /**
   * True if every instruction is a push (opcodes up to OP_16, OP_RESERVED included, as the node
   * counts).
   */
  public boolean isPushOnly() {
    return isPushOnly(bytes);
  }

  static boolean isPushOnly(byte[] script) {
    Reader r = new Reader(script);
    while (r.hasNext()) {
      if (!r.next() || r.opcode > Opcodes.OP_16) {
        return false;
      }
    }
    return true;
  }

  /**
   * The node's ASM ({@code ScriptToAsmStr}): pushes of up to 4 bytes as decimal script numbers,
   * longer pushes as hex, other opcodes by name ({@code OP_DUP}, small numbers as digits).
   */
  public String toAsm() {
    return toAsm(false);
  }

  /**
   * ASM as the node shows an unlocking script: like {@link #toAsm()}, but (unless the script starts
   * with OP_RETURN or OP_FALSE OP_RETURN) a push that is a strictly encoded signature shows its
   * sighash type, e.g. {@code 3044...01[ALL|FORKID]} becomes {@code 3044...[ALL|FORKID]} with the
   * type byte removed from the hex.
   */
  public String toAsmDecodingSighash() {
    return toAsm(true);
  }

  private String toAsm(boolean decodeSighashRequested) {
    // like the node, never decode OP_RETURN data that happens to look like a signature
    boolean decodeSighash = decodeSighashRequested && !isKnownOpReturn();
    StringBuilder sb = new StringBuilder();
    Reader r = new Reader(bytes);
    while (r.hasNext()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      if (!r.next()) {
        sb.append("[error]");
        break;
      }
      if (r.opcode <= Opcodes.OP_PUSHDATA4) {
        byte[] data = r.data();
        if (data.length <= 4) {
          sb.append(ScriptNum.decode(data, 8, false));
        } else {
          String suffix = decodeSighash ? SigHashType.asmSuffix(data) : null;
          if (suffix != null) {
            sb.append(Hex.toHexString(data, 0, data.length - 1)).append(suffix);
          } else {
            sb.append(Hex.toHexString(data));
          }
        }
      } else {
        sb.append(Opcodes.name(r.opcode));
      }
    }
    return sb.toString();
  }

  /**
   * Parses ASM as {@link #toAsm()} writes it: opcode names ({@code OP_DUP}, also without the
   * prefix), decimal numbers (-1..16 become OP_1NEGATE, OP_0..OP_16, others a minimal script-number
   * push) and hex data (a minimal push; a trailing {@code [ALL|FORKID]}-style suffix appends that
   * type byte). ASM is lossy, so this gives the canonical script for the text: a token of at most
   * 10 digits that fits a 4-byte script number is read as a number, like the ASM of a push of up to
   * 4 bytes.
   */
  public static Script fromAsm(String asm) {
    ByteWriter w = new ByteWriter();
    for (String token : asm.strip().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      int op = Opcodes.byName(token);
      if (op >= 0) {
        w.writeByte(op);
        continue;
      }
      if (token.matches("-?\\d{1,10}")) {
        long n = Long.parseLong(token);
        if (Math.abs(n) <= Integer.MAX_VALUE) {
          if (n == -1 || (n >= 0 && n <= 16)) {
            w.writeByte(n == -1 ? Opcodes.OP_1NEGATE : Opcodes.smallInt((int) n));
          } else {
            writeDataPush(w, ScriptNum.encode(n));
          }
          continue;
        }
      }
      String hex = token;
      int typeByte = -1;
      int bracket = token.indexOf('[');
      if (bracket > 0 && token.endsWith("]")) {
        typeByte = sighashByName(token.substring(bracket + 1, token.length() - 1));
        hex = token.substring(0, bracket);
      }
      byte[] data = Transaction.decodeHex(hex, "ASM token '" + token + "'");
      if (typeByte >= 0) {
        data = Arrays.copyOf(data, data.length + 1);
        data[data.length - 1] = (byte) typeByte;
      }
      writePush(w, data);
    }
    return new Script(w.toByteArray());
  }

  private static int sighashByName(String name) {
    for (int type = 0; type < 256; type++) {
      if (name.equals(SigHashType.name(type))) {
        return type;
      }
    }
    throw new FormatException("unknown sighash type [" + name + "] in ASM");
  }

  // ---- builders ----

  /** P2PKH locking script: OP_DUP OP_HASH160 &lt;20-byte hash&gt; OP_EQUALVERIFY OP_CHECKSIG. */
  public static Script p2pkh(byte[] pubKeyHash160) {
    if (pubKeyHash160.length != 20) {
      throw new IllegalArgumentException("P2PKH needs a 20-byte hash, got " + pubKeyHash160.length);
    }
    ByteWriter w = new ByteWriter(25);
    w.writeByte(Opcodes.OP_DUP).writeByte(Opcodes.OP_HASH160).writeByte(20).write(pubKeyHash160);
    w.writeByte(Opcodes.OP_EQUALVERIFY).writeByte(Opcodes.OP_CHECKSIG);
    return new Script(w.toByteArray());
  }

  /** P2PKH unlocking script: &lt;signature with sighash byte&gt; &lt;public key&gt;. */
  public static Script p2pkhUnlock(byte[] signatureWithType, byte[] publicKey) {
    ByteWriter w = new ByteWriter(signatureWithType.length + publicKey.length + 4);
    writePush(w, signatureWithType);
    writePush(w, publicKey);
    return new Script(w.toByteArray());
  }

  /**
   * Bare multisig locking script: OP_m &lt;pubkeys&gt; OP_n OP_CHECKMULTISIG with 1 &lt;= m &lt;= n
   * &lt;= 16.
   */
  public static Script multisig(int m, List<byte[]> publicKeys) {
    int n = publicKeys.size();
    if (m < 1 || m > n || n > 16) {
      throw new IllegalArgumentException(
          "multisig needs 1 <= m <= n <= 16, got m=" + m + " n=" + n);
    }
    ByteWriter w = new ByteWriter(3 + 34 * n);
    w.writeByte(Opcodes.smallInt(m));
    for (byte[] key : publicKeys) {
      writePush(w, key);
    }
    w.writeByte(Opcodes.smallInt(n)).writeByte(Opcodes.OP_CHECKMULTISIG);
    return new Script(w.toByteArray());
  }

  /**
   * Multisig unlocking script: OP_0 (the dummy CHECKMULTISIG pops) then the signatures in key
   * order.
   */
  public static Script multisigUnlock(List<byte[]> signaturesWithType) {
    ByteWriter w = new ByteWriter(1 + 74 * signaturesWithType.size());
    w.writeByte(Opcodes.OP_0);
    for (byte[] sig : signaturesWithType) {
      writePush(w, sig);
    }
    return new Script(w.toByteArray());
  }

  /**
   * Provably unspendable data carrier: OP_FALSE OP_RETURN followed by minimal pushes of each part.
   */
  public static Script opReturn(List<byte[]> dataParts) {
    ByteWriter w = new ByteWriter(64);
    w.writeByte(Opcodes.OP_FALSE).writeByte(Opcodes.OP_RETURN);
    for (byte[] part : dataParts) {
      writePush(w, part);
    }
    return new Script(w.toByteArray());
  }

  /** The node's IsKnownOpReturn: starts with OP_RETURN or OP_FALSE OP_RETURN. */
  public boolean isKnownOpReturn() {
    return (bytes.length > 0 && (bytes[0] & 0xFF) == Opcodes.OP_RETURN) || isOpReturnData();
  }

  /** True for OP_FALSE OP_RETURN ... (data carrier) scripts. */
  public boolean isOpReturnData() {
    return bytes.length >= 2
        && bytes[0] == Opcodes.OP_FALSE
        && (bytes[1] & 0xFF) == Opcodes.OP_RETURN;
  }

  /** The 20-byte hash if this is exactly the P2PKH template, otherwise null. */
  public byte[] p2pkhHash() {
    if (bytes.length == 25
        && (bytes[0] & 0xFF) == Opcodes.OP_DUP
        && (bytes[1] & 0xFF) == Opcodes.OP_HASH160
        && bytes[2] == 20
        && (bytes[23] & 0xFF) == Opcodes.OP_EQUALVERIFY
        && (bytes[24] & 0xFF) == Opcodes.OP_CHECKSIG) {
      return Arrays.copyOfRange(bytes, 3, 23);
    }
    return null;
  }

  /**
   * The minimal push of {@code data} (what MINIMALDATA demands): OP_0, OP_1..OP_16, OP_1NEGATE,
   * direct, PUSHDATA1/2/4.
   */
  public static byte[] minimalPush(byte[] data) {
    ByteWriter w = new ByteWriter(data.length + 5);
    writePush(w, data);
    return w.toByteArray();
  }

  static void writePush(ByteWriter w, byte[] data) {
    int n = data.length;
    if (n == 0) {
      w.writeByte(Opcodes.OP_0);
    } else if (n == 1 && data[0] >= 1 && data[0] <= 16) {
      w.writeByte(Opcodes.OP_1 + data[0] - 1);
    } else if (n == 1 && (data[0] & 0xFF) == 0x81) {
      w.writeByte(Opcodes.OP_1NEGATE);
    } else {
      writeDataPush(w, data);
    }
  }

  /**
   * A push that always carries the bytes (direct, PUSHDATA1/2/4), as the node's {@code CScript <<
   * vector}.
   */
  static void writeDataPush(ByteWriter w, byte[] data) {
    int n = data.length;
    if (n < Opcodes.OP_PUSHDATA1) {
      w.writeByte(n);
    } else if (n <= 0xFF) {
      w.writeByte(Opcodes.OP_PUSHDATA1).writeByte(n);
    } else if (n <= 0xFFFF) {
      w.writeByte(Opcodes.OP_PUSHDATA2).writeUInt16LE(n);
    } else {
      w.writeByte(Opcodes.OP_PUSHDATA4).writeUInt32LE(n);
    }
    w.write(data);
  }

  byte[] bytesRef() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Script s && Arrays.equals(s.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Script[" + toAsm() + "]";
  }

  /**
   * Steps through script bytes like the node's GetOp: after {@link #next()} returns true, {@code
   * opcode} and the pushed range are set; false means a truncated push, with {@code pos} where the
   * node's reader stops.
   */
  static final class Reader {
    final byte[] s;
    int pos;
    int opStart;
    int opcode;
    int dataStart;
    int dataLen;

    Reader(byte[] s) {
      this(s, 0);
    }

    Reader(byte[] s, int start) {
      this.s = s;
      this.pos = start;
    }

    boolean hasNext() {
      return pos < s.length;
    }

    boolean next() {
      opStart = pos;
      opcode = s[pos++] & 0xFF;
      dataLen = 0;
      dataStart = pos;
      if (opcode > Opcodes.OP_PUSHDATA4) {
        return true;
      }
      long n;
      if (opcode < Opcodes.OP_PUSHDATA1) {
        n = opcode;
      } else if (opcode == Opcodes.OP_PUSHDATA1) {
        if (s.length - pos < 1) {
          return false;
        }
        n = s[pos++] & 0xFF;
      } else if (opcode == Opcodes.OP_PUSHDATA2) {
        if (s.length - pos < 2) {
          return false;
        }
        n = (s[pos] & 0xFF) | (s[pos + 1] & 0xFF) << 8;
        pos += 2;
      } else {
        if (s.length - pos < 4) {
          return false;
        }
        n =
            (s[pos] & 0xFFL)
                | (s[pos + 1] & 0xFFL) << 8
                | (s[pos + 2] & 0xFFL) << 16
                | (s[pos + 3] & 0xFFL) << 24;
        pos += 4;
      }
      if (s.length - pos < n) {
        return false;
      }
      dataStart = pos;
      dataLen = (int) n;
      pos += dataLen;
      return true;
    }

    byte[] data() {
      return Arrays.copyOfRange(s, dataStart, dataStart + dataLen);
    }
  }
}

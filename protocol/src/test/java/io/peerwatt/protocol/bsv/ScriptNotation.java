package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.encoding.ByteWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.util.encoders.Hex;

/**
 * The node's short script notation used in its test vectors (core_read.cpp ParseScript): decimal
 * numbers become number pushes, {@code 0x..} is inserted raw, {@code 'text'} is pushed, and opcode
 * names with or without {@code OP_} are opcodes.
 */
final class ScriptNotation {
  private ScriptNotation() {}

  static byte[] parse(String source) {
    ByteWriter w = new ByteWriter();
    for (String word : source.split("[ \\t\\n]+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (word.matches("-?\\d+")) {
        long n = Long.parseLong(word);
        if (n == 0) {
          w.writeByte(Opcodes.OP_0);
        } else if (n == -1 || (n >= 1 && n <= 16)) {
          w.writeByte(n == -1 ? Opcodes.OP_1NEGATE : Opcodes.OP_1 + (int) n - 1);
        } else {
          Script.writeDataPush(w, ScriptNum.encode(BigInteger.valueOf(n)));
        }
      } else if (word.startsWith("0x")
          && word.length() > 2
          && word.substring(2).matches("([0-9a-fA-F]{2})+")) {
        w.write(Hex.decode(word.substring(2)));
      } else if (word.length() >= 2 && word.startsWith("'") && word.endsWith("'")) {
        Script.writeDataPush(
            w, word.substring(1, word.length() - 1).getBytes(StandardCharsets.UTF_8));
      } else {
        int op = Opcodes.byName(word);
        if (op < 0
            || (op < Opcodes.OP_NOP && op != Opcodes.OP_RESERVED && !word.contains("PUSHDATA"))) {
          throw new IllegalArgumentException("script parse error: " + word);
        }
        w.writeByte(op);
      }
    }
    return w.toByteArray();
  }
}

package io.peerwatt.protocol.bsv;

import java.util.Arrays;
import org.bouncycastle.util.encoders.Hex;

/**
 * One instruction of a script: an opcode, and for push opcodes (0x00..0x4e) the pushed bytes.
 *
 * @param opcode the opcode byte, 0..255
 * @param data the pushed bytes for push opcodes 0x00..0x4e, otherwise null
 */
public record ScriptChunk(int opcode, byte[] data) {
  public ScriptChunk {
    data = data == null ? null : data.clone();
  }

  @Override
  public byte[] data() {
    return data == null ? null : data.clone();
  }

  /** True for the data-push opcodes 0x00..0x4e (OP_0, direct pushes, OP_PUSHDATA1/2/4). */
  public boolean isPushData() {
    return opcode <= Opcodes.OP_PUSHDATA4;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScriptChunk c && c.opcode == opcode && Arrays.equals(c.data, data);
  }

  @Override
  public int hashCode() {
    return opcode * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return data == null ? Opcodes.name(opcode) : "push(" + Hex.toHexString(data) + ")";
  }
}

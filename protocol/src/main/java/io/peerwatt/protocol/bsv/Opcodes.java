package io.peerwatt.protocol.bsv;

import java.util.HashMap;
import java.util.Map;

/**
 * Bitcoin SV script opcodes (byte values as in the node's {@code opcodes.h}) and their names. Names
 * are the node's: {@code OP_DUP}, {@code OP_CHECKSIG}; the Chronicle upgrade's names are used for
 * 0x62, 0x65, 0x66 and 0xb3..0xb7 ({@code OP_VER}, {@code OP_SUBSTR}, {@code OP_LSHIFTNUM} ...).
 */
public final class Opcodes {
  private Opcodes() {}

  public static final int OP_0 = 0x00;
  public static final int OP_FALSE = OP_0;
  public static final int OP_PUSHDATA1 = 0x4c;
  public static final int OP_PUSHDATA2 = 0x4d;
  public static final int OP_PUSHDATA4 = 0x4e;
  public static final int OP_1NEGATE = 0x4f;
  public static final int OP_RESERVED = 0x50;
  public static final int OP_1 = 0x51;
  public static final int OP_TRUE = OP_1;
  public static final int OP_16 = 0x60;
  public static final int OP_NOP = 0x61;
  public static final int OP_VER = 0x62;
  public static final int OP_IF = 0x63;
  public static final int OP_NOTIF = 0x64;
  public static final int OP_VERIF = 0x65;
  public static final int OP_VERNOTIF = 0x66;
  public static final int OP_ELSE = 0x67;
  public static final int OP_ENDIF = 0x68;
  public static final int OP_VERIFY = 0x69;
  public static final int OP_RETURN = 0x6a;
  public static final int OP_TOALTSTACK = 0x6b;
  public static final int OP_FROMALTSTACK = 0x6c;
  public static final int OP_2DROP = 0x6d;
  public static final int OP_2DUP = 0x6e;
  public static final int OP_3DUP = 0x6f;
  public static final int OP_2OVER = 0x70;
  public static final int OP_2ROT = 0x71;
  public static final int OP_2SWAP = 0x72;
  public static final int OP_IFDUP = 0x73;
  public static final int OP_DEPTH = 0x74;
  public static final int OP_DROP = 0x75;
  public static final int OP_DUP = 0x76;
  public static final int OP_NIP = 0x77;
  public static final int OP_OVER = 0x78;
  public static final int OP_PICK = 0x79;
  public static final int OP_ROLL = 0x7a;
  public static final int OP_ROT = 0x7b;
  public static final int OP_SWAP = 0x7c;
  public static final int OP_TUCK = 0x7d;
  public static final int OP_CAT = 0x7e;
  public static final int OP_SPLIT = 0x7f;
  public static final int OP_NUM2BIN = 0x80;
  public static final int OP_BIN2NUM = 0x81;
  public static final int OP_SIZE = 0x82;
  public static final int OP_INVERT = 0x83;
  public static final int OP_AND = 0x84;
  public static final int OP_OR = 0x85;
  public static final int OP_XOR = 0x86;
  public static final int OP_EQUAL = 0x87;
  public static final int OP_EQUALVERIFY = 0x88;
  public static final int OP_RESERVED1 = 0x89;
  public static final int OP_RESERVED2 = 0x8a;
  public static final int OP_1ADD = 0x8b;
  public static final int OP_1SUB = 0x8c;
  public static final int OP_2MUL = 0x8d;
  public static final int OP_2DIV = 0x8e;
  public static final int OP_NEGATE = 0x8f;
  public static final int OP_ABS = 0x90;
  public static final int OP_NOT = 0x91;
  public static final int OP_0NOTEQUAL = 0x92;
  public static final int OP_ADD = 0x93;
  public static final int OP_SUB = 0x94;
  public static final int OP_MUL = 0x95;
  public static final int OP_DIV = 0x96;
  public static final int OP_MOD = 0x97;
  public static final int OP_LSHIFT = 0x98;
  public static final int OP_RSHIFT = 0x99;
  public static final int OP_BOOLAND = 0x9a;
  public static final int OP_BOOLOR = 0x9b;
  public static final int OP_NUMEQUAL = 0x9c;
  public static final int OP_NUMEQUALVERIFY = 0x9d;
  public static final int OP_NUMNOTEQUAL = 0x9e;
  public static final int OP_LESSTHAN = 0x9f;
  public static final int OP_GREATERTHAN = 0xa0;
  public static final int OP_LESSTHANOREQUAL = 0xa1;
  public static final int OP_GREATERTHANOREQUAL = 0xa2;
  public static final int OP_MIN = 0xa3;
  public static final int OP_MAX = 0xa4;
  public static final int OP_WITHIN = 0xa5;
  public static final int OP_RIPEMD160 = 0xa6;
  public static final int OP_SHA1 = 0xa7;
  public static final int OP_SHA256 = 0xa8;
  public static final int OP_HASH160 = 0xa9;
  public static final int OP_HASH256 = 0xaa;
  public static final int OP_CODESEPARATOR = 0xab;
  public static final int OP_CHECKSIG = 0xac;
  public static final int OP_CHECKSIGVERIFY = 0xad;
  public static final int OP_CHECKMULTISIG = 0xae;
  public static final int OP_CHECKMULTISIGVERIFY = 0xaf;
  public static final int OP_NOP1 = 0xb0;
  public static final int OP_CHECKLOCKTIMEVERIFY = 0xb1;
  public static final int OP_NOP2 = OP_CHECKLOCKTIMEVERIFY;
  public static final int OP_CHECKSEQUENCEVERIFY = 0xb2;
  public static final int OP_NOP3 = OP_CHECKSEQUENCEVERIFY;
  public static final int OP_SUBSTR = 0xb3;
  public static final int OP_NOP4 = OP_SUBSTR;
  public static final int OP_LEFT = 0xb4;
  public static final int OP_NOP5 = OP_LEFT;
  public static final int OP_RIGHT = 0xb5;
  public static final int OP_NOP6 = OP_RIGHT;
  public static final int OP_LSHIFTNUM = 0xb6;
  public static final int OP_NOP7 = OP_LSHIFTNUM;
  public static final int OP_RSHIFTNUM = 0xb7;
  public static final int OP_NOP8 = OP_RSHIFTNUM;
  public static final int OP_NOP9 = 0xb8;
  public static final int OP_NOP10 = 0xb9;
  public static final int OP_INVALIDOPCODE = 0xff;

  private static final String[] NAMES = new String[256];
  private static final Map<String, Integer> BY_NAME = new HashMap<>();

  static {
    String[] table = {
      "4f:OP_1NEGATE",
      "50:OP_RESERVED",
      "61:OP_NOP",
      "62:OP_VER",
      "63:OP_IF",
      "64:OP_NOTIF",
      "65:OP_VERIF",
      "66:OP_VERNOTIF",
      "67:OP_ELSE",
      "68:OP_ENDIF",
      "69:OP_VERIFY",
      "6a:OP_RETURN",
      "6b:OP_TOALTSTACK",
      "6c:OP_FROMALTSTACK",
      "6d:OP_2DROP",
      "6e:OP_2DUP",
      "6f:OP_3DUP",
      "70:OP_2OVER",
      "71:OP_2ROT",
      "72:OP_2SWAP",
      "73:OP_IFDUP",
      "74:OP_DEPTH",
      "75:OP_DROP",
      "76:OP_DUP",
      "77:OP_NIP",
      "78:OP_OVER",
      "79:OP_PICK",
      "7a:OP_ROLL",
      "7b:OP_ROT",
      "7c:OP_SWAP",
      "7d:OP_TUCK",
      "7e:OP_CAT",
      "7f:OP_SPLIT",
      "80:OP_NUM2BIN",
      "81:OP_BIN2NUM",
      "82:OP_SIZE",
      "83:OP_INVERT",
      "84:OP_AND",
      "85:OP_OR",
      "86:OP_XOR",
      "87:OP_EQUAL",
      "88:OP_EQUALVERIFY",
      "89:OP_RESERVED1",
      "8a:OP_RESERVED2",
      "8b:OP_1ADD",
      "8c:OP_1SUB",
      "8d:OP_2MUL",
      "8e:OP_2DIV",
      "8f:OP_NEGATE",
      "90:OP_ABS",
      "91:OP_NOT",
      "92:OP_0NOTEQUAL",
      "93:OP_ADD",
      "94:OP_SUB",
      "95:OP_MUL",
      "96:OP_DIV",
      "97:OP_MOD",
      "98:OP_LSHIFT",
      "99:OP_RSHIFT",
      "9a:OP_BOOLAND",
      "9b:OP_BOOLOR",
      "9c:OP_NUMEQUAL",
      "9d:OP_NUMEQUALVERIFY",
      "9e:OP_NUMNOTEQUAL",
      "9f:OP_LESSTHAN",
      "a0:OP_GREATERTHAN",
      "a1:OP_LESSTHANOREQUAL",
      "a2:OP_GREATERTHANOREQUAL",
      "a3:OP_MIN",
      "a4:OP_MAX",
      "a5:OP_WITHIN",
      "a6:OP_RIPEMD160",
      "a7:OP_SHA1",
      "a8:OP_SHA256",
      "a9:OP_HASH160",
      "aa:OP_HASH256",
      "ab:OP_CODESEPARATOR",
      "ac:OP_CHECKSIG",
      "ad:OP_CHECKSIGVERIFY",
      "ae:OP_CHECKMULTISIG",
      "af:OP_CHECKMULTISIGVERIFY",
      "b0:OP_NOP1",
      "b1:OP_CHECKLOCKTIMEVERIFY",
      "b2:OP_CHECKSEQUENCEVERIFY",
      "b3:OP_SUBSTR",
      "b4:OP_LEFT",
      "b5:OP_RIGHT",
      "b6:OP_LSHIFTNUM",
      "b7:OP_RSHIFTNUM",
      "b8:OP_NOP9",
      "b9:OP_NOP10",
      "ff:OP_INVALIDOPCODE"
    };
    for (String entry : table) {
      int op = Integer.parseInt(entry.substring(0, 2), 16);
      NAMES[op] = entry.substring(3);
    }
    NAMES[OP_0] = "0";
    for (int n = 1; n <= 16; n++) {
      NAMES[OP_1 + n - 1] = Integer.toString(n);
    }
    NAMES[OP_PUSHDATA1] = "OP_PUSHDATA1";
    NAMES[OP_PUSHDATA2] = "OP_PUSHDATA2";
    NAMES[OP_PUSHDATA4] = "OP_PUSHDATA4";
    for (int op = 0; op < 256; op++) {
      String name = NAMES[op];
      if (name != null && name.startsWith("OP_")) {
        BY_NAME.put(name, op);
        BY_NAME.put(name.substring(3), op);
      }
    }
    // the pre-Chronicle names of 0xb1..0xb7, as older vectors and tools spell them
    for (int n = 2; n <= 8; n++) {
      BY_NAME.put("OP_NOP" + n, OP_NOP1 + n - 1);
      BY_NAME.put("NOP" + n, OP_NOP1 + n - 1);
    }
    BY_NAME.put("OP_FALSE", OP_0);
    BY_NAME.put("OP_TRUE", OP_1);
    for (int n = 0; n <= 16; n++) {
      BY_NAME.put("OP_" + n, n == 0 ? OP_0 : OP_1 + n - 1);
    }
  }

  /**
   * The node's name of an opcode: {@code OP_DUP}; small-number pushes are {@code 0}, {@code 1} ..
   * {@code 16} and {@code -1}... as in ASM; direct pushes 0x01..0x4b and undefined bytes are {@code
   * OP_UNKNOWN}.
   */
  public static String name(int opcode) {
    if (opcode == OP_1NEGATE) {
      return "-1";
    }
    String name = NAMES[opcode & 0xFF];
    return name == null ? "OP_UNKNOWN" : name;
  }

  /** The opcode named {@code name} (with or without the {@code OP_} prefix), or -1. */
  public static int byName(String name) {
    Integer op = BY_NAME.get(name);
    return op == null ? -1 : op;
  }

  /** OP_0, OP_1 .. OP_16 for 0..16. */
  public static int smallInt(int n) {
    if (n < 0 || n > 16) {
      throw new IllegalArgumentException("not a small integer: " + n);
    }
    return n == 0 ? OP_0 : OP_1 + n - 1;
  }
}

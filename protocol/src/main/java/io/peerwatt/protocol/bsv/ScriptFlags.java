package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;

/**
 * Script verification flags, with the Bitcoin SV node's bit values ({@code script_flags.h}), so
 * flag sets from the node's vectors and RPC mean the same here.
 */
public final class ScriptFlags {
  private ScriptFlags() {}

  public static final int NONE = 0;
  public static final int P2SH = 1;
  public static final int STRICTENC = 1 << 1;
  public static final int DERSIG = 1 << 2;
  public static final int LOW_S = 1 << 3;
  public static final int NULLDUMMY = 1 << 4;
  public static final int SIGPUSHONLY = 1 << 5;
  public static final int MINIMALDATA = 1 << 6;
  public static final int DISCOURAGE_UPGRADABLE_NOPS = 1 << 7;
  public static final int CLEANSTACK = 1 << 8;
  public static final int CHECKLOCKTIMEVERIFY = 1 << 9;
  public static final int CHECKSEQUENCEVERIFY = 1 << 10;
  public static final int MINIMALIF = 1 << 13;
  public static final int NULLFAIL = 1 << 14;
  public static final int COMPRESSED_PUBKEYTYPE = 1 << 15;
  public static final int SIGHASH_FORKID = 1 << 16;
  public static final int GENESIS = 1 << 18;
  public static final int UTXO_AFTER_GENESIS = 1 << 19;
  public static final int UTXO_AFTER_CHRONICLE = 1 << 21;

  /**
   * What a post-Genesis BSV node demands of a new transaction spending a post-Genesis output
   * (mandatory consensus flags plus the standard policy flags): FORKID signatures, strict
   * encodings, low S, NULLFAIL, NULLDUMMY, minimal pushes and numbers, push-only unlocking scripts,
   * clean stack, no executed upgradable NOPs. (MINIMALIF is not a BSV policy rule, so it is not
   * included.)
   */
  public static final int POST_GENESIS_STANDARD =
      P2SH
          | STRICTENC
          | DERSIG
          | LOW_S
          | NULLDUMMY
          | SIGPUSHONLY
          | MINIMALDATA
          | DISCOURAGE_UPGRADABLE_NOPS
          | CLEANSTACK
          | NULLFAIL
          | SIGHASH_FORKID
          | GENESIS
          | UTXO_AFTER_GENESIS;

  /**
   * What a post-Genesis BSV node requires of every transaction in a block spending a post-Genesis
   * output (the node's mandatory flags plus the Genesis rules): no policy-only rules.
   */
  public static final int POST_GENESIS_CONSENSUS =
      P2SH
          | STRICTENC
          | LOW_S
          | NULLFAIL
          | SIGHASH_FORKID
          | SIGPUSHONLY
          | GENESIS
          | UTXO_AFTER_GENESIS;

  /**
   * Parses the node's comma-separated flag names ("P2SH,STRICTENC"); unknown names are a
   * FormatException.
   */
  public static int parse(String names) {
    int flags = 0;
    for (String raw : names.split(",")) {
      String name = raw.strip();
      if (name.isEmpty()) {
        continue;
      }
      flags |=
          switch (name) {
            case "NONE" -> NONE;
            case "P2SH" -> P2SH;
            case "STRICTENC" -> STRICTENC;
            case "DERSIG" -> DERSIG;
            case "LOW_S" -> LOW_S;
            case "NULLDUMMY" -> NULLDUMMY;
            case "SIGPUSHONLY" -> SIGPUSHONLY;
            case "MINIMALDATA" -> MINIMALDATA;
            case "DISCOURAGE_UPGRADABLE_NOPS" -> DISCOURAGE_UPGRADABLE_NOPS;
            case "CLEANSTACK" -> CLEANSTACK;
            case "CHECKLOCKTIMEVERIFY" -> CHECKLOCKTIMEVERIFY;
            case "CHECKSEQUENCEVERIFY" -> CHECKSEQUENCEVERIFY;
            case "MINIMALIF" -> MINIMALIF;
            case "NULLFAIL" -> NULLFAIL;
            case "COMPRESSED_PUBKEYTYPE" -> COMPRESSED_PUBKEYTYPE;
            case "SIGHASH_FORKID" -> SIGHASH_FORKID;
            case "GENESIS" -> GENESIS;
            case "UTXO_AFTER_GENESIS" -> UTXO_AFTER_GENESIS;
            case "UTXO_AFTER_CHRONICLE" -> UTXO_AFTER_CHRONICLE;
            default -> throw new FormatException("unknown script flag " + name);
          };
    }
    return flags;
  }
}

package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.keys.EcdsaSignature;
import io.peerwatt.protocol.keys.PublicKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Bitcoin SV script interpreter, following the node's {@code EvalScript}/{@code VerifyScript}
 * (release 1.2): post-Genesis rules when {@link ScriptFlags#UTXO_AFTER_GENESIS} is set (big
 * numbers, no size or opcode limits, OP_RETURN ends a script successfully, CLTV/CSV are NOPs, no
 * P2SH), the pre-Genesis rules otherwise (4-byte numbers, 520-byte elements, 500 opcodes, P2SH...
 * as the node's vectors expect), and the restored opcodes of the Chronicle upgrade (OP_VER,
 * OP_VERIF, OP_VERNOTIF, OP_2MUL, OP_2DIV, OP_SUBSTR, OP_LEFT, OP_RIGHT, OP_LSHIFTNUM,
 * OP_RSHIFTNUM) when {@link ScriptFlags#UTXO_AFTER_CHRONICLE} is set.
 *
 * <p>Signature checks: the flag-dependent encoding rules (DERSIG, LOW_S, STRICTENC, FORKID,
 * NULLFAIL, NULLDUMMY) are applied here; the ECDSA equation itself uses the lax DER parser and
 * accepts either S (like the node, which normalises S before libsecp256k1). The Chronicle upgrade's
 * relaxation of malleability rules (the node's SCRIPT_CHRONICLE flag) is not implemented:
 * signatures carrying the 0x20 sighash bit are rejected under STRICTENC ({@link
 * ScriptError#ILLEGAL_CHRONICLE}); see {@link SigHashType}. Errors are values ({@link
 * ScriptResult}); nothing here throws on bad scripts.
 *
 * <p>Stack memory is capped at {@link #MAX_STACK_MEMORY_BYTES} (the node's default policy limit) so
 * that a hostile script cannot exhaust the JVM; exceeding it fails with {@link
 * ScriptError#STACK_SIZE}.
 */
public final class Interpreter {
  static final int MAX_SCRIPT_ELEMENT_SIZE_BEFORE_GENESIS = 520;
  static final int MAX_OPS_PER_SCRIPT_BEFORE_GENESIS = 500;
  static final int MAX_PUBKEYS_PER_MULTISIG_BEFORE_GENESIS = 20;
  static final int MAX_SCRIPT_SIZE_BEFORE_GENESIS = 10_000;
  static final int MAX_STACK_ELEMENTS_BEFORE_GENESIS = 1000;
  static final int MAX_SCRIPT_NUM_LENGTH_BEFORE_GENESIS = 4;
  static final int MAX_SCRIPT_NUM_LENGTH_AFTER_GENESIS = 750_000;
  static final int MAX_SCRIPT_NUM_LENGTH_AFTER_CHRONICLE = 32_000_000;

  /** The node's default stack memory policy limit (100 MB), applied to stack plus alt stack. */
  public static final long MAX_STACK_MEMORY_BYTES = 100_000_000L;

  private static final long LOCKTIME_THRESHOLD = 500_000_000L;
  private static final long SEQUENCE_FINAL = 0xFFFF_FFFFL;
  private static final long SEQUENCE_LOCKTIME_DISABLE_FLAG = 1L << 31;
  private static final long SEQUENCE_LOCKTIME_TYPE_FLAG = 1L << 22;
  private static final long SEQUENCE_LOCKTIME_MASK = 0x0000_FFFFL;
  private static final byte[] TRUE = {1};
  private static final byte[] FALSE = {};

  private final Transaction tx;
  private final int inputIndex;
  private final long amountSats;
  private final Sighash sighash;

  private Interpreter(Transaction tx, int inputIndex, long amountSats, Sighash sighash) {
    this.tx = tx;
    this.inputIndex = inputIndex;
    this.amountSats = amountSats;
    this.sighash = sighash;
  }

  /**
   * Runs input {@code inputIndex} of {@code tx} against the output it spends.
   *
   * @param flags {@link ScriptFlags} bits, e.g. {@link ScriptFlags#POST_GENESIS_STANDARD}
   */
  public static ScriptResult verifyInput(
      Transaction tx, int inputIndex, TxOutput spent, int flags) {
    return verifyInput(tx, inputIndex, spent, flags, Sighash.of(tx));
  }

  /**
   * As {@link #verifyInput(Transaction, int, TxOutput, int)}, sharing one sighash cache across
   * inputs.
   */
  public static ScriptResult verifyInput(
      Transaction tx, int inputIndex, TxOutput spent, int flags, Sighash cache) {
    if (inputIndex < 0 || inputIndex >= tx.inputs().size()) {
      throw new IllegalArgumentException("input index " + inputIndex + " out of range");
    }
    byte[] unlocking = tx.inputs().get(inputIndex).unlockingScriptRef();
    return verifyScript(
        unlocking, spent.lockingScriptRef(), flags, tx, inputIndex, spent.satoshis(), cache);
  }

  /**
   * Runs an unlocking script then a locking script (the node's VerifyScript) for input {@code
   * inputIndex} of {@code tx}, which spends {@code amountSats}.
   */
  public static ScriptResult verifyScript(
      byte[] unlocking,
      byte[] locking,
      int flags,
      Transaction tx,
      int inputIndex,
      long amountSats) {
    return verifyScript(unlocking, locking, flags, tx, inputIndex, amountSats, Sighash.of(tx));
  }

  static ScriptResult verifyScript(
      byte[] unlocking,
      byte[] locking,
      int flags,
      Transaction tx,
      int inputIndex,
      long amountSats,
      Sighash cache) {
    Interpreter interpreter = new Interpreter(tx, inputIndex, amountSats, cache);
    try {
      interpreter.verify(unlocking, locking, flags);
      return ScriptResult.SUCCESS;
    } catch (Failure f) {
      return new ScriptResult(f.error, f.getMessage());
    } catch (RuntimeException e) {
      // the node maps any unexpected exception during evaluation to UNKNOWN_ERROR; so do we,
      // keeping the cause
      return new ScriptResult(ScriptError.UNKNOWN_ERROR, "unexpected " + e);
    }
  }

  /** A script failure on its way out of the evaluation loop; never escapes this class. */
  private static final class Failure extends Exception {
    final ScriptError error;

    Failure(ScriptError error, String where) {
      super(error.description() + (where.isEmpty() ? "" : " (" + where + ")"), null, false, false);
      this.error = error;
    }
  }

  private void verify(byte[] scriptSig, byte[] scriptPubKey, int flags) throws Failure {
    if ((flags & ScriptFlags.SIGHASH_FORKID) != 0) {
      flags |= ScriptFlags.STRICTENC;
    }
    boolean afterGenesis = (flags & ScriptFlags.UTXO_AFTER_GENESIS) != 0;
    Stack stack = new Stack();
    eval(stack, scriptSig, flags, "unlocking script");
    Stack stackCopy = null;
    if ((flags & ScriptFlags.P2SH) != 0 && !afterGenesis) {
      stackCopy = stack.copy();
    }
    eval(stack, scriptPubKey, flags, "locking script");
    if (stack.size() == 0 || !ScriptNum.castToBool(stack.top(-1))) {
      throw new Failure(
          ScriptError.EVAL_FALSE,
          stack.size() == 0 ? "empty stack at the end" : "top of stack is false");
    }
    if ((flags & ScriptFlags.P2SH) != 0 && !afterGenesis && isP2sh(scriptPubKey)) {
      if (!Script.isPushOnly(scriptSig)) {
        throw new Failure(ScriptError.SIG_PUSHONLY, "P2SH unlocking script must only push data");
      }
      stack = stackCopy;
      byte[] redeem = stack.pop();
      eval(stack, redeem, flags, "P2SH redeem script");
      if (stack.size() == 0 || !ScriptNum.castToBool(stack.top(-1))) {
        throw new Failure(
            ScriptError.EVAL_FALSE, "P2SH redeem script left false or nothing on the stack");
      }
    }
    if ((flags & ScriptFlags.CLEANSTACK) != 0) {
      if ((flags & ScriptFlags.P2SH) == 0) {
        throw new Failure(ScriptError.INVALID_FLAGS, "CLEANSTACK requires P2SH");
      }
      if (stack.size() != 1) {
        throw new Failure(ScriptError.CLEANSTACK, stack.size() + " elements left");
      }
    }
    // as the node (1.2): push-only unlocking scripts are a Genesis consensus rule, enforced with
    // GENESIS
    if ((flags & ScriptFlags.SIGPUSHONLY) != 0
        && (flags & ScriptFlags.GENESIS) != 0
        && !Script.isPushOnly(scriptSig)) {
      throw new Failure(ScriptError.SIG_PUSHONLY, "unlocking script contains a non-push opcode");
    }
  }

  static boolean isP2sh(byte[] s) {
    return s.length == 23
        && (s[0] & 0xFF) == Opcodes.OP_HASH160
        && s[1] == 0x14
        && (s[22] & 0xFF) == Opcodes.OP_EQUAL;
  }

  /** Stack of byte strings that tracks its total size for the memory cap. */
  private static final class Stack {
    final ArrayList<byte[]> items = new ArrayList<>();
    long bytes;
    Stack shared;

    int size() {
      return items.size();
    }

    /** Element {@code -1} is the top, {@code -2} the one below... */
    byte[] top(int fromTop) {
      return items.get(items.size() + fromTop);
    }

    void push(byte[] v) throws Failure {
      bytes += v.length;
      if (bytes + (shared == null ? 0 : shared.bytes) > MAX_STACK_MEMORY_BYTES) {
        throw new Failure(
            ScriptError.STACK_SIZE, "stack memory above " + MAX_STACK_MEMORY_BYTES + " bytes");
      }
      items.add(v);
    }

    byte[] pop() {
      byte[] v = items.remove(items.size() - 1);
      bytes -= v.length;
      return v;
    }

    byte[] remove(int fromTop) {
      byte[] v = items.remove(items.size() + fromTop);
      bytes -= v.length;
      return v;
    }

    void set(int fromTop, byte[] v) throws Failure {
      byte[] old = items.set(items.size() + fromTop, v);
      bytes += v.length - old.length;
      if (bytes + (shared == null ? 0 : shared.bytes) > MAX_STACK_MEMORY_BYTES) {
        throw new Failure(
            ScriptError.STACK_SIZE, "stack memory above " + MAX_STACK_MEMORY_BYTES + " bytes");
      }
    }

    /**
     * Inserts {@code v} just below the current element {@code fromTop} (like the node's
     * insert(-n)).
     */
    void insert(int fromTop, byte[] v) throws Failure {
      push(v);
      items.remove(items.size() - 1);
      items.add(items.size() + fromTop, v);
    }

    void swap(int a, int b) {
      int n = items.size();
      byte[] t = items.get(n + a);
      items.set(n + a, items.get(n + b));
      items.set(n + b, t);
    }

    Stack copy() {
      Stack s = new Stack();
      s.items.addAll(items);
      s.bytes = bytes;
      return s;
    }
  }

  private void eval(Stack stack, byte[] script, int flags, String part) throws Failure {
    boolean afterGenesis = (flags & ScriptFlags.UTXO_AFTER_GENESIS) != 0;
    boolean afterChronicle = (flags & ScriptFlags.UTXO_AFTER_CHRONICLE) != 0;
    if (afterChronicle && !afterGenesis) {
      throw new Failure(
          ScriptError.INVALID_FLAGS, "UTXO_AFTER_CHRONICLE without UTXO_AFTER_GENESIS");
    }
    long maxNumLength =
        afterChronicle
            ? MAX_SCRIPT_NUM_LENGTH_AFTER_CHRONICLE
            : afterGenesis
                ? MAX_SCRIPT_NUM_LENGTH_AFTER_GENESIS
                : MAX_SCRIPT_NUM_LENGTH_BEFORE_GENESIS;
    if (!afterGenesis && script.length > MAX_SCRIPT_SIZE_BEFORE_GENESIS) {
      throw new Failure(ScriptError.SCRIPT_SIZE, part + " is " + script.length + " bytes");
    }
    boolean minimal = (flags & ScriptFlags.MINIMALDATA) != 0;
    Stack alt = new Stack();
    alt.shared = stack;
    stack.shared = alt;
    List<Boolean> vfExec = new ArrayList<>();
    List<Boolean> vfElse = new ArrayList<>();
    int falseCount = 0;
    boolean nonTopLevelReturn = false;
    long opCount = 0;
    int beginCodeHash = 0;
    Script.Reader r = new Script.Reader(script);
    try {
      while (r.hasNext()) {
        if (!r.next()) {
          throw new Failure(
              ScriptError.BAD_OPCODE, "truncated push at byte " + r.opStart + " of the " + part);
        }
        int opcode = r.opcode;
        if (!afterGenesis && r.dataLen > MAX_SCRIPT_ELEMENT_SIZE_BEFORE_GENESIS) {
          throw new Failure(ScriptError.PUSH_SIZE, where(opcode, r, part));
        }
        boolean exec = falseCount == 0 && (!nonTopLevelReturn || opcode == Opcodes.OP_RETURN);
        if (opcode > Opcodes.OP_16
            && !afterGenesis
            && ++opCount > MAX_OPS_PER_SCRIPT_BEFORE_GENESIS) {
          throw new Failure(ScriptError.OP_COUNT, where(opcode, r, part));
        }
        if ((opcode == Opcodes.OP_2MUL || opcode == Opcodes.OP_2DIV)
            && !afterChronicle
            && (!afterGenesis || exec)) {
          throw new Failure(ScriptError.DISABLED_OPCODE, where(opcode, r, part));
        }
        if (exec && opcode <= Opcodes.OP_PUSHDATA4) {
          byte[] data = r.data();
          if (minimal && !isMinimalPush(data, opcode)) {
            throw new Failure(ScriptError.MINIMALDATA, where(opcode, r, part));
          }
          stack.push(data);
        } else if (exec || (Opcodes.OP_IF <= opcode && opcode <= Opcodes.OP_ENDIF)) {
          Ctx c =
              new Ctx(
                  stack,
                  alt,
                  flags,
                  maxNumLength,
                  minimal,
                  afterGenesis,
                  afterChronicle,
                  opcode,
                  r,
                  part);
          switch (opcode) {
            case Opcodes.OP_IF, Opcodes.OP_NOTIF, Opcodes.OP_VERIF, Opcodes.OP_VERNOTIF -> {
              if ((opcode == Opcodes.OP_VERIF || opcode == Opcodes.OP_VERNOTIF)
                  && !afterChronicle) {
                if (afterGenesis && !exec) {
                  break;
                }
                throw new Failure(ScriptError.BAD_OPCODE, where(opcode, r, part));
              }
              boolean value = false;
              if (exec) {
                if (stack.size() < 1) {
                  throw new Failure(ScriptError.UNBALANCED_CONDITIONAL, where(opcode, r, part));
                }
                byte[] vch = stack.top(-1);
                if ((opcode == Opcodes.OP_IF || opcode == Opcodes.OP_NOTIF)
                    && (flags & ScriptFlags.MINIMALIF) != 0) {
                  if (vch.length > 1 || (vch.length == 1 && vch[0] != 1)) {
                    throw new Failure(ScriptError.MINIMALIF, where(opcode, r, part));
                  }
                }
                if (opcode == Opcodes.OP_VERIF || opcode == Opcodes.OP_VERNOTIF) {
                  value = vch.length == 4 && Arrays.equals(vch, versionBytes());
                } else {
                  value = ScriptNum.castToBool(vch);
                }
                if (opcode == Opcodes.OP_NOTIF || opcode == Opcodes.OP_VERNOTIF) {
                  value = !value;
                }
                stack.pop();
              }
              vfExec.add(value);
              vfElse.add(false);
              if (!value) {
                falseCount++;
              }
            }
            case Opcodes.OP_ELSE -> {
              if (vfExec.isEmpty() || (vfElse.get(vfElse.size() - 1) && afterGenesis)) {
                throw new Failure(ScriptError.UNBALANCED_CONDITIONAL, where(opcode, r, part));
              }
              boolean v = vfExec.get(vfExec.size() - 1);
              falseCount += v ? 1 : -1;
              vfExec.set(vfExec.size() - 1, !v);
              vfElse.set(vfElse.size() - 1, true);
            }
            case Opcodes.OP_ENDIF -> {
              if (vfExec.isEmpty()) {
                throw new Failure(ScriptError.UNBALANCED_CONDITIONAL, where(opcode, r, part));
              }
              if (!vfExec.remove(vfExec.size() - 1)) {
                falseCount--;
              }
              vfElse.remove(vfElse.size() - 1);
            }
            case Opcodes.OP_RETURN -> {
              if (!afterGenesis) {
                throw new Failure(ScriptError.OP_RETURN, where(opcode, r, part));
              }
              if (vfExec.isEmpty()) {
                // post-Genesis: a top-level OP_RETURN ends the script successfully, whatever
                // follows
                return;
              }
              nonTopLevelReturn = true;
            }
            case Opcodes.OP_CODESEPARATOR -> beginCodeHash = r.pos;
            case Opcodes.OP_CHECKSIG, Opcodes.OP_CHECKSIGVERIFY ->
                checkSig(c, script, beginCodeHash);
            case Opcodes.OP_CHECKMULTISIG, Opcodes.OP_CHECKMULTISIGVERIFY -> {
              opCount = checkMultiSig(c, script, beginCodeHash, opCount);
            }
            default -> execute(c);
          }
        }
        if (!afterGenesis && stack.size() + alt.size() > MAX_STACK_ELEMENTS_BEFORE_GENESIS) {
          throw new Failure(ScriptError.STACK_SIZE, where(opcode, r, part));
        }
      }
    } catch (ScriptNum.NumberException e) {
      throw new Failure(e.error, where(r.opcode, r, part));
    } finally {
      stack.shared = null;
    }
    if (!vfExec.isEmpty()) {
      throw new Failure(
          ScriptError.UNBALANCED_CONDITIONAL, "IF without ENDIF at the end of the " + part);
    }
  }

  private static String where(int opcode, Script.Reader r, String part) {
    String name =
        opcode <= Opcodes.OP_PUSHDATA4 ? "push of " + r.dataLen + " bytes" : Opcodes.name(opcode);
    return name + " at byte " + r.opStart + " of the " + part;
  }

  /** Everything an opcode needs besides the script position. */
  private record Ctx(
      Stack stack,
      Stack alt,
      int flags,
      long maxNumLength,
      boolean minimal,
      boolean afterGenesis,
      boolean afterChronicle,
      int opcode,
      Script.Reader reader,
      String part) {
    Failure fail(ScriptError e) {
      return new Failure(e, where(opcode, reader, part));
    }

    void need(int n) throws Failure {
      if (stack.size() < n) {
        throw fail(ScriptError.INVALID_STACK_OPERATION);
      }
    }

    BigInteger num(int fromTop) throws ScriptNum.NumberException {
      return ScriptNum.decodeChecked(stack.top(fromTop), maxNumLength, minimal);
    }
  }

  private byte[] versionBytes() {
    int v = tx.version();
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  private void execute(Ctx c) throws Failure, ScriptNum.NumberException {
    Stack stack = c.stack;
    int opcode = c.opcode;
    int flags = c.flags;
    if (opcode >= Opcodes.OP_1 && opcode <= Opcodes.OP_16) {
      stack.push(ScriptNum.encode(opcode - (Opcodes.OP_1 - 1)));
      return;
    }
    switch (opcode) {
      case Opcodes.OP_1NEGATE -> stack.push(ScriptNum.encode(-1));
      case Opcodes.OP_NOP -> {}
      case Opcodes.OP_CHECKLOCKTIMEVERIFY -> {
        if ((flags & ScriptFlags.CHECKLOCKTIMEVERIFY) == 0 || c.afterGenesis) {
          discourageNop(c);
          return;
        }
        c.need(1);
        long lockTime = ScriptNum.decodeChecked(stack.top(-1), 5, c.minimal).longValueExact();
        if (lockTime < 0) {
          throw c.fail(ScriptError.NEGATIVE_LOCKTIME);
        }
        if (!checkLockTime(lockTime)) {
          throw c.fail(ScriptError.UNSATISFIED_LOCKTIME);
        }
      }
      case Opcodes.OP_CHECKSEQUENCEVERIFY -> {
        if ((flags & ScriptFlags.CHECKSEQUENCEVERIFY) == 0 || c.afterGenesis) {
          discourageNop(c);
          return;
        }
        c.need(1);
        long sequence = ScriptNum.decodeChecked(stack.top(-1), 5, c.minimal).longValueExact();
        if (sequence < 0) {
          throw c.fail(ScriptError.NEGATIVE_LOCKTIME);
        }
        if ((sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) != 0) {
          return;
        }
        if (!checkSequence(sequence)) {
          throw c.fail(ScriptError.UNSATISFIED_LOCKTIME);
        }
      }
      case Opcodes.OP_VER -> {
        if (!c.afterChronicle) {
          throw c.fail(ScriptError.BAD_OPCODE);
        }
        stack.push(versionBytes());
      }
      case Opcodes.OP_SUBSTR -> {
        if (!c.afterChronicle) {
          discourageNop(c);
          return;
        }
        c.need(3);
        long len = clampInt(c.num(-1));
        long offset = clampInt(c.num(-2));
        byte[] data = stack.top(-3);
        if (offset < 0 || offset >= data.length || len < 0 || len > data.length - offset) {
          throw c.fail(ScriptError.INVALID_NUMBER_RANGE);
        }
        stack.pop();
        stack.pop();
        stack.set(-1, Arrays.copyOfRange(data, (int) offset, (int) (offset + len)));
      }
      case Opcodes.OP_LEFT, Opcodes.OP_RIGHT -> {
        if (!c.afterChronicle) {
          discourageNop(c);
          return;
        }
        c.need(2);
        long len = clampInt(c.num(-1));
        byte[] data = stack.top(-2);
        if (len < 0 || len > data.length) {
          throw c.fail(ScriptError.INVALID_NUMBER_RANGE);
        }
        stack.pop();
        int from = opcode == Opcodes.OP_LEFT ? 0 : data.length - (int) len;
        stack.set(-1, Arrays.copyOfRange(data, from, from + (int) len));
      }
      case Opcodes.OP_LSHIFTNUM, Opcodes.OP_RSHIFTNUM -> {
        if (!c.afterChronicle) {
          discourageNop(c);
          return;
        }
        c.need(2);
        BigInteger n = c.num(-1);
        BigInteger value = c.num(-2);
        if (n.signum() < 0) {
          throw c.fail(ScriptError.INVALID_NUMBER_RANGE);
        }
        BigInteger result;
        if (opcode == Opcodes.OP_LSHIFTNUM) {
          // as the node's CScriptNum <<=: the result's size is bounded before anything is allocated
          BigInteger resultBytes =
              BigInteger.valueOf(ScriptNum.encode(value).length).add(n.shiftRight(3));
          if (resultBytes.compareTo(BigInteger.valueOf(c.maxNumLength)) > 0) {
            throw c.fail(ScriptError.SCRIPTNUM_OVERFLOW);
          }
          if (n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw c.fail(ScriptError.BIG_INT);
          }
          result = value.shiftLeft(n.intValue());
        } else {
          if (n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw c.fail(ScriptError.BIG_INT);
          }
          // the magnitude shifts and the sign stays, so it rounds toward zero like OP_DIV
          BigInteger magnitude = value.abs().shiftRight(n.intValue());
          result = value.signum() < 0 ? magnitude.negate() : magnitude;
        }
        stack.pop();
        stack.set(-1, ScriptNum.encode(result));
      }
      case Opcodes.OP_NOP1, Opcodes.OP_NOP9, Opcodes.OP_NOP10 -> discourageNop(c);
      case Opcodes.OP_VERIFY -> {
        c.need(1);
        if (!ScriptNum.castToBool(stack.top(-1))) {
          throw c.fail(ScriptError.VERIFY);
        }
        stack.pop();
      }
      case Opcodes.OP_TOALTSTACK -> {
        c.need(1);
        c.alt.push(stack.pop());
      }
      case Opcodes.OP_FROMALTSTACK -> {
        if (c.alt.size() < 1) {
          throw c.fail(ScriptError.INVALID_ALTSTACK_OPERATION);
        }
        stack.push(c.alt.pop());
      }
      case Opcodes.OP_2DROP -> {
        c.need(2);
        stack.pop();
        stack.pop();
      }
      case Opcodes.OP_2DUP -> {
        c.need(2);
        byte[] a = stack.top(-2);
        byte[] b = stack.top(-1);
        stack.push(a);
        stack.push(b);
      }
      case Opcodes.OP_3DUP -> {
        c.need(3);
        byte[] a = stack.top(-3);
        byte[] b = stack.top(-2);
        byte[] d = stack.top(-1);
        stack.push(a);
        stack.push(b);
        stack.push(d);
      }
      case Opcodes.OP_2OVER -> {
        c.need(4);
        byte[] a = stack.top(-4);
        byte[] b = stack.top(-3);
        stack.push(a);
        stack.push(b);
      }
      case Opcodes.OP_2ROT -> {
        c.need(6);
        byte[] a = stack.remove(-6);
        byte[] b = stack.remove(-5);
        stack.push(a);
        stack.push(b);
      }
      case Opcodes.OP_2SWAP -> {
        c.need(4);
        stack.swap(-4, -2);
        stack.swap(-3, -1);
      }
      case Opcodes.OP_IFDUP -> {
        c.need(1);
        if (ScriptNum.castToBool(stack.top(-1))) {
          stack.push(stack.top(-1));
        }
      }
      case Opcodes.OP_DEPTH -> stack.push(ScriptNum.encode(stack.size()));
      case Opcodes.OP_DROP -> {
        c.need(1);
        stack.pop();
      }
      case Opcodes.OP_DUP -> {
        c.need(1);
        stack.push(stack.top(-1));
      }
      case Opcodes.OP_NIP -> {
        c.need(2);
        stack.remove(-2);
      }
      case Opcodes.OP_OVER -> {
        c.need(2);
        stack.push(stack.top(-2));
      }
      case Opcodes.OP_PICK, Opcodes.OP_ROLL -> {
        c.need(2);
        BigInteger sn = c.num(-1);
        stack.pop();
        if (sn.signum() < 0 || sn.compareTo(BigInteger.valueOf(stack.size())) >= 0) {
          throw c.fail(ScriptError.INVALID_STACK_OPERATION);
        }
        int n = sn.intValue();
        byte[] v = stack.top(-n - 1);
        if (opcode == Opcodes.OP_ROLL) {
          stack.remove(-n - 1);
        }
        stack.push(v);
      }
      case Opcodes.OP_ROT -> {
        c.need(3);
        stack.swap(-3, -2);
        stack.swap(-2, -1);
      }
      case Opcodes.OP_SWAP -> {
        c.need(2);
        stack.swap(-2, -1);
      }
      case Opcodes.OP_TUCK -> {
        c.need(2);
        stack.insert(-2, stack.top(-1));
      }
      case Opcodes.OP_SIZE -> {
        c.need(1);
        stack.push(ScriptNum.encode(stack.top(-1).length));
      }
      case Opcodes.OP_AND, Opcodes.OP_OR, Opcodes.OP_XOR -> {
        c.need(2);
        byte[] a = stack.top(-2);
        byte[] b = stack.top(-1);
        if (a.length != b.length) {
          throw c.fail(ScriptError.OPERAND_SIZE);
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] =
              (byte)
                  switch (opcode) {
                    case Opcodes.OP_AND -> a[i] & b[i];
                    case Opcodes.OP_OR -> a[i] | b[i];
                    default -> a[i] ^ b[i];
                  };
        }
        stack.pop();
        stack.set(-1, out);
      }
      case Opcodes.OP_INVERT -> {
        c.need(1);
        byte[] a = stack.top(-1);
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = (byte) ~a[i];
        }
        stack.set(-1, out);
      }
      case Opcodes.OP_LSHIFT, Opcodes.OP_RSHIFT -> {
        c.need(2);
        BigInteger n = c.num(-1);
        if (n.signum() < 0) {
          throw c.fail(ScriptError.INVALID_NUMBER_RANGE);
        }
        byte[] value = stack.top(-2);
        stack.pop();
        byte[] out;
        if (n.compareTo(BigInteger.valueOf(8L * value.length)) >= 0) {
          out = new byte[value.length];
        } else {
          out =
              opcode == Opcodes.OP_LSHIFT
                  ? shiftLeft(value, n.intValue())
                  : shiftRight(value, n.intValue());
        }
        stack.set(-1, out);
      }
      case Opcodes.OP_EQUAL, Opcodes.OP_EQUALVERIFY -> {
        c.need(2);
        boolean equal = Arrays.equals(stack.top(-2), stack.top(-1));
        stack.pop();
        stack.pop();
        stack.push(equal ? TRUE : FALSE);
        if (opcode == Opcodes.OP_EQUALVERIFY) {
          if (!equal) {
            throw c.fail(ScriptError.EQUALVERIFY);
          }
          stack.pop();
        }
      }
      case Opcodes.OP_1ADD,
          Opcodes.OP_1SUB,
          Opcodes.OP_2MUL,
          Opcodes.OP_2DIV,
          Opcodes.OP_NEGATE,
          Opcodes.OP_ABS,
          Opcodes.OP_NOT,
          Opcodes.OP_0NOTEQUAL -> {
        c.need(1);
        BigInteger bn = c.num(-1);
        bn =
            switch (opcode) {
              case Opcodes.OP_1ADD -> bn.add(BigInteger.ONE);
              case Opcodes.OP_1SUB -> bn.subtract(BigInteger.ONE);
              case Opcodes.OP_2MUL -> bn.shiftLeft(1);
              case Opcodes.OP_2DIV -> bn.divide(BigInteger.TWO);
              case Opcodes.OP_NEGATE -> bn.negate();
              case Opcodes.OP_ABS -> bn.abs();
              case Opcodes.OP_NOT -> bn.signum() == 0 ? BigInteger.ONE : BigInteger.ZERO;
              default -> bn.signum() != 0 ? BigInteger.ONE : BigInteger.ZERO;
            };
        stack.set(-1, ScriptNum.encode(bn));
      }
      case Opcodes.OP_ADD,
          Opcodes.OP_SUB,
          Opcodes.OP_MUL,
          Opcodes.OP_DIV,
          Opcodes.OP_MOD,
          Opcodes.OP_BOOLAND,
          Opcodes.OP_BOOLOR,
          Opcodes.OP_NUMEQUAL,
          Opcodes.OP_NUMEQUALVERIFY,
          Opcodes.OP_NUMNOTEQUAL,
          Opcodes.OP_LESSTHAN,
          Opcodes.OP_GREATERTHAN,
          Opcodes.OP_LESSTHANOREQUAL,
          Opcodes.OP_GREATERTHANOREQUAL,
          Opcodes.OP_MIN,
          Opcodes.OP_MAX -> {
        c.need(2);
        BigInteger a = c.num(-2);
        BigInteger b = c.num(-1);
        BigInteger result =
            switch (opcode) {
              case Opcodes.OP_ADD -> a.add(b);
              case Opcodes.OP_SUB -> a.subtract(b);
              case Opcodes.OP_MUL -> a.multiply(b);
              case Opcodes.OP_DIV -> {
                if (b.signum() == 0) {
                  throw c.fail(ScriptError.DIV_BY_ZERO);
                }
                yield a.divide(b);
              }
              case Opcodes.OP_MOD -> {
                if (b.signum() == 0) {
                  throw c.fail(ScriptError.MOD_BY_ZERO);
                }
                yield a.remainder(b);
              }
              case Opcodes.OP_BOOLAND -> bool(a.signum() != 0 && b.signum() != 0);
              case Opcodes.OP_BOOLOR -> bool(a.signum() != 0 || b.signum() != 0);
              case Opcodes.OP_NUMEQUAL, Opcodes.OP_NUMEQUALVERIFY -> bool(a.equals(b));
              case Opcodes.OP_NUMNOTEQUAL -> bool(!a.equals(b));
              case Opcodes.OP_LESSTHAN -> bool(a.compareTo(b) < 0);
              case Opcodes.OP_GREATERTHAN -> bool(a.compareTo(b) > 0);
              case Opcodes.OP_LESSTHANOREQUAL -> bool(a.compareTo(b) <= 0);
              case Opcodes.OP_GREATERTHANOREQUAL -> bool(a.compareTo(b) >= 0);
              case Opcodes.OP_MIN -> a.min(b);
              default -> a.max(b);
            };
        stack.pop();
        stack.set(-1, ScriptNum.encode(result));
        if (opcode == Opcodes.OP_NUMEQUALVERIFY) {
          if (!ScriptNum.castToBool(stack.top(-1))) {
            throw c.fail(ScriptError.NUMEQUALVERIFY);
          }
          stack.pop();
        }
      }
      case Opcodes.OP_WITHIN -> {
        c.need(3);
        BigInteger x = c.num(-3);
        BigInteger min = c.num(-2);
        BigInteger max = c.num(-1);
        boolean within = min.compareTo(x) <= 0 && x.compareTo(max) < 0;
        stack.pop();
        stack.pop();
        stack.set(-1, within ? TRUE : FALSE);
      }
      case Opcodes.OP_RIPEMD160,
          Opcodes.OP_SHA1,
          Opcodes.OP_SHA256,
          Opcodes.OP_HASH160,
          Opcodes.OP_HASH256 -> {
        c.need(1);
        byte[] v = stack.top(-1);
        byte[] h =
            switch (opcode) {
              case Opcodes.OP_RIPEMD160 -> Hashes.ripemd160(v);
              case Opcodes.OP_SHA1 -> Hashes.sha1(v);
              case Opcodes.OP_SHA256 -> Hashes.sha256(v);
              case Opcodes.OP_HASH160 -> Hashes.hash160(v);
              default -> Hashes.sha256d(v);
            };
        stack.set(-1, h);
      }
      case Opcodes.OP_CAT -> {
        c.need(2);
        byte[] a = stack.top(-2);
        byte[] b = stack.top(-1);
        if (!c.afterGenesis && a.length + b.length > MAX_SCRIPT_ELEMENT_SIZE_BEFORE_GENESIS) {
          throw c.fail(ScriptError.PUSH_SIZE);
        }
        if ((long) a.length + b.length > MAX_STACK_MEMORY_BYTES) {
          throw c.fail(ScriptError.STACK_SIZE);
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        stack.pop();
        stack.set(-1, out);
      }
      case Opcodes.OP_SPLIT -> {
        c.need(2);
        byte[] data = stack.top(-2);
        BigInteger n = c.num(-1);
        if (n.signum() < 0 || n.compareTo(BigInteger.valueOf(data.length)) > 0) {
          throw c.fail(ScriptError.SPLIT_RANGE);
        }
        int p = n.intValue();
        stack.pop();
        stack.set(-1, Arrays.copyOfRange(data, 0, p));
        stack.push(Arrays.copyOfRange(data, p, data.length));
      }
      case Opcodes.OP_NUM2BIN -> {
        c.need(2);
        BigInteger n = c.num(-1);
        if (n.signum() < 0 || n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
          throw c.fail(ScriptError.PUSH_SIZE);
        }
        int size = n.intValue();
        if (!c.afterGenesis && size > MAX_SCRIPT_ELEMENT_SIZE_BEFORE_GENESIS) {
          throw c.fail(ScriptError.PUSH_SIZE);
        }
        stack.pop();
        byte[] raw = ScriptNum.minimallyEncode(stack.top(-1));
        if (raw.length > size) {
          throw c.fail(ScriptError.IMPOSSIBLE_ENCODING);
        }
        if (raw.length == size) {
          stack.set(-1, raw);
          return;
        }
        if (size > MAX_STACK_MEMORY_BYTES) {
          throw c.fail(ScriptError.STACK_SIZE);
        }
        byte[] out = new byte[size];
        int signBit = 0;
        if (raw.length > 0) {
          System.arraycopy(raw, 0, out, 0, raw.length);
          signBit = raw[raw.length - 1] & 0x80;
          out[raw.length - 1] &= 0x7f;
        }
        out[size - 1] |= (byte) signBit;
        stack.set(-1, out);
      }
      case Opcodes.OP_BIN2NUM -> {
        c.need(1);
        byte[] n = ScriptNum.minimallyEncode(stack.top(-1));
        stack.set(-1, n);
        if (!ScriptNum.isMinimallyEncoded(n, c.maxNumLength)) {
          throw c.fail(ScriptError.INVALID_NUMBER_RANGE);
        }
      }
      default -> throw c.fail(ScriptError.BAD_OPCODE);
    }
  }

  private static BigInteger bool(boolean b) {
    return b ? BigInteger.ONE : BigInteger.ZERO;
  }

  /** The node's getint(): saturates at the int range. */
  private static long clampInt(BigInteger v) {
    return v.max(BigInteger.valueOf(Integer.MIN_VALUE))
        .min(BigInteger.valueOf(Integer.MAX_VALUE))
        .longValue();
  }

  private static void discourageNop(Ctx c) throws Failure {
    if ((c.flags & ScriptFlags.DISCOURAGE_UPGRADABLE_NOPS) != 0) {
      throw c.fail(ScriptError.DISCOURAGE_UPGRADABLE_NOPS);
    }
  }

  /** OP_LSHIFT on a byte string read as one big-endian bit string; the length is kept. */
  static byte[] shiftLeft(byte[] x, int n) {
    int byteShift = n / 8;
    int bitShift = n % 8;
    byte[] out = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      int src = i + byteShift;
      if (src < x.length) {
        int v = (x[src] & 0xFF) << bitShift;
        if (bitShift > 0 && src + 1 < x.length) {
          v |= (x[src + 1] & 0xFF) >>> (8 - bitShift);
        }
        out[i] = (byte) v;
      }
    }
    return out;
  }

  /** OP_RSHIFT on a byte string read as one big-endian bit string; the length is kept. */
  static byte[] shiftRight(byte[] x, int n) {
    int byteShift = n / 8;
    int bitShift = n % 8;
    byte[] out = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      int src = i - byteShift;
      if (src >= 0) {
        int v = (x[src] & 0xFF) >>> bitShift;
        if (bitShift > 0 && src - 1 >= 0) {
          v |= ((x[src - 1] & 0xFF) << (8 - bitShift)) & 0xFF;
        }
        out[i] = (byte) v;
      }
    }
    return out;
  }

  static boolean isMinimalPush(byte[] data, int opcode) {
    int n = data.length;
    if (n == 0) {
      return opcode == Opcodes.OP_0;
    }
    if (n == 1 && data[0] >= 1 && data[0] <= 16) {
      return opcode == Opcodes.OP_1 + data[0] - 1;
    }
    if (n == 1 && (data[0] & 0xFF) == 0x81) {
      return opcode == Opcodes.OP_1NEGATE;
    }
    if (n <= 75) {
      return opcode == n;
    }
    if (n <= 255) {
      return opcode == Opcodes.OP_PUSHDATA1;
    }
    if (n <= 65535) {
      return opcode == Opcodes.OP_PUSHDATA2;
    }
    return true;
  }

  // ---- signatures ----

  private void checkSig(Ctx c, byte[] script, int beginCodeHash) throws Failure {
    Stack stack = c.stack;
    c.need(2);
    byte[] sig = stack.top(-2);
    byte[] pubKey = stack.top(-1);
    checkSignatureEncoding(c, sig);
    checkPubKeyEncoding(c, pubKey);
    byte[] scriptCode = Arrays.copyOfRange(script, beginCodeHash, script.length);
    scriptCode = cleanupScriptCode(scriptCode, sig, c.flags);
    boolean success = verifySignature(sig, pubKey, scriptCode, c.flags);
    if (!success && (c.flags & ScriptFlags.NULLFAIL) != 0 && sig.length > 0) {
      throw c.fail(ScriptError.NULLFAIL);
    }
    stack.pop();
    stack.pop();
    stack.push(success ? TRUE : FALSE);
    if (c.opcode == Opcodes.OP_CHECKSIGVERIFY) {
      if (!success) {
        throw c.fail(ScriptError.CHECKSIGVERIFY);
      }
      stack.pop();
    }
  }

  private long checkMultiSig(Ctx c, byte[] script, int beginCodeHash, long opCount)
      throws Failure, ScriptNum.NumberException {
    Stack stack = c.stack;
    int flags = c.flags;
    long i = 1;
    c.need(1);
    long keysCount = clampInt(ScriptNum.decodeChecked(stack.top(-1), 4, c.minimal));
    if (keysCount < 0) {
      throw c.fail(ScriptError.PUBKEY_COUNT);
    }
    if (!c.afterGenesis && keysCount > MAX_PUBKEYS_PER_MULTISIG_BEFORE_GENESIS) {
      throw c.fail(ScriptError.PUBKEY_COUNT);
    }
    opCount += keysCount;
    if (!c.afterGenesis && opCount > MAX_OPS_PER_SCRIPT_BEFORE_GENESIS) {
      throw c.fail(ScriptError.OP_COUNT);
    }
    long ikey = ++i;
    // position of the last non-signature item (top = 1), for the NULLFAIL cleanup
    long ikey2 = keysCount + 2;
    i += keysCount;
    if (stack.size() < i) {
      throw c.fail(ScriptError.INVALID_STACK_OPERATION);
    }
    long sigsCount = clampInt(ScriptNum.decodeChecked(stack.top((int) -i), 4, c.minimal));
    if (sigsCount < 0 || sigsCount > keysCount) {
      throw c.fail(ScriptError.SIG_COUNT);
    }
    long isig = ++i;
    i += sigsCount;
    if (stack.size() < i) {
      throw c.fail(ScriptError.INVALID_STACK_OPERATION);
    }
    byte[] scriptCode = Arrays.copyOfRange(script, beginCodeHash, script.length);
    for (int k = 0; k < sigsCount; k++) {
      scriptCode = cleanupScriptCode(scriptCode, stack.top((int) (-isig - k)), flags);
    }
    boolean success = true;
    while (success && sigsCount > 0) {
      byte[] sig = stack.top((int) -isig);
      byte[] pubKey = stack.top((int) -ikey);
      checkSignatureEncoding(c, sig);
      checkPubKeyEncoding(c, pubKey);
      if (verifySignature(sig, pubKey, scriptCode, flags)) {
        isig++;
        sigsCount--;
      }
      ikey++;
      keysCount--;
      if (sigsCount > keysCount) {
        success = false;
      }
    }
    while (i-- > 1) {
      if (!success
          && (flags & ScriptFlags.NULLFAIL) != 0
          && ikey2 == 0
          && stack.top(-1).length > 0) {
        throw c.fail(ScriptError.NULLFAIL);
      }
      if (ikey2 > 0) {
        ikey2--;
      }
      stack.pop();
    }
    // the historical extra element CHECKMULTISIG consumes
    if (stack.size() < 1) {
      throw c.fail(ScriptError.INVALID_STACK_OPERATION);
    }
    if ((flags & ScriptFlags.NULLDUMMY) != 0 && stack.top(-1).length > 0) {
      throw c.fail(ScriptError.SIG_NULLDUMMY);
    }
    stack.pop();
    stack.push(success ? TRUE : FALSE);
    if (c.opcode == Opcodes.OP_CHECKMULTISIGVERIFY) {
      if (!success) {
        throw c.fail(ScriptError.CHECKMULTISIGVERIFY);
      }
      stack.pop();
    }
    return opCount;
  }

  /**
   * The node's CheckSignatureEncoding for a signature with its sighash byte (pre-Chronicle rules).
   */
  private static void checkSignatureEncoding(Ctx c, byte[] sig) throws Failure {
    if (sig.length == 0) {
      return;
    }
    int flags = c.flags;
    if ((flags & (ScriptFlags.DERSIG | ScriptFlags.LOW_S | ScriptFlags.STRICTENC)) != 0
        && !isValidSignatureEncoding(sig)) {
      throw c.fail(ScriptError.SIG_DER);
    }
    if ((flags & ScriptFlags.LOW_S) != 0 && !isLowS(Arrays.copyOf(sig, sig.length - 1))) {
      throw c.fail(ScriptError.SIG_HIGH_S);
    }
    if ((flags & ScriptFlags.STRICTENC) != 0) {
      int type = sig[sig.length - 1] & 0xFF;
      if (!SigHashType.isDefined(type)) {
        throw c.fail(ScriptError.SIG_HASHTYPE);
      }
      boolean usesForkId = SigHashType.hasForkId(type);
      boolean forkIdEnabled = (flags & ScriptFlags.SIGHASH_FORKID) != 0;
      if (!forkIdEnabled && usesForkId) {
        throw c.fail(ScriptError.ILLEGAL_FORKID);
      }
      if (SigHashType.hasChronicle(type)) {
        throw c.fail(ScriptError.ILLEGAL_CHRONICLE);
      }
      if (forkIdEnabled && !usesForkId) {
        throw c.fail(ScriptError.MISSING_FORKID);
      }
    }
  }

  private static void checkPubKeyEncoding(Ctx c, byte[] pubKey) throws Failure {
    if ((c.flags & ScriptFlags.STRICTENC) != 0 && !isCompressedOrUncompressedPubKey(pubKey)) {
      throw c.fail(ScriptError.PUBKEYTYPE);
    }
    if ((c.flags & ScriptFlags.COMPRESSED_PUBKEYTYPE) != 0
        && !(pubKey.length == 33 && (pubKey[0] == 0x02 || pubKey[0] == 0x03))) {
      throw c.fail(ScriptError.NONCOMPRESSED_PUBKEY);
    }
  }

  static boolean isCompressedOrUncompressedPubKey(byte[] k) {
    if (k.length < 33) {
      return false;
    }
    if (k[0] == 0x04) {
      return k.length == 65;
    }
    if (k[0] == 0x02 || k[0] == 0x03) {
      return k.length == 33;
    }
    return false;
  }

  /**
   * BIP66 strict DER with the trailing sighash byte: {@code 30 len 02 lenR R 02 lenS S type},
   * minimal positive integers, 9..73 bytes.
   */
  static boolean isValidSignatureEncoding(byte[] sig) {
    int size = sig.length;
    if (size < 9 || size > 73) {
      return false;
    }
    if ((sig[0] & 0xFF) != 0x30) {
      return false;
    }
    if ((sig[1] & 0xFF) != size - 3) {
      return false;
    }
    int lenR = sig[3] & 0xFF;
    if (5 + lenR >= size) {
      return false;
    }
    int lenS = sig[5 + lenR] & 0xFF;
    if (lenR + lenS + 7 != size) {
      return false;
    }
    if (sig[2] != 0x02 || lenR == 0 || (sig[4] & 0x80) != 0) {
      return false;
    }
    if (lenR > 1 && sig[4] == 0 && (sig[5] & 0x80) == 0) {
      return false;
    }
    if (sig[lenR + 4] != 0x02 || lenS == 0 || (sig[lenR + 6] & 0x80) != 0) {
      return false;
    }
    return !(lenS > 1 && sig[lenR + 6] == 0 && (sig[lenR + 7] & 0x80) == 0);
  }

  /** The node's CheckLowS: lax-parse, then S must not exceed n/2; unparseable counts as high. */
  private static boolean isLowS(byte[] der) {
    EcdsaSignature s = EcdsaSignature.fromDerLax(der);
    return s != null && s.isLowS();
  }

  /**
   * The node's FindAndDelete of the signature's push from the script code, unless FORKID is in use.
   */
  private static byte[] cleanupScriptCode(byte[] scriptCode, byte[] sig, int flags) {
    int type = sig.length == 0 ? 0 : sig[sig.length - 1] & 0xFF;
    if ((flags & ScriptFlags.SIGHASH_FORKID) != 0 && SigHashType.hasForkId(type)) {
      return scriptCode;
    }
    ByteWriter w = new ByteWriter(sig.length + 5);
    Script.writeDataPush(w, sig);
    return findAndDelete(scriptCode, w.toByteArray());
  }

  static byte[] findAndDelete(byte[] script, byte[] pattern) {
    if (pattern.length == 0) {
      return script;
    }
    ByteWriter result = new ByteWriter(script.length);
    int found = 0;
    int pc = 0;
    int pc2 = 0;
    Script.Reader r = new Script.Reader(script);
    while (true) {
      result.write(script, pc2, pc - pc2);
      while (script.length - pc >= pattern.length
          && Arrays.equals(script, pc, pc + pattern.length, pattern, 0, pattern.length)) {
        pc += pattern.length;
        found++;
      }
      pc2 = pc;
      r.pos = pc;
      if (!r.hasNext() || !r.next()) {
        break;
      }
      pc = r.pos;
    }
    if (found == 0) {
      return script;
    }
    result.write(script, pc2, script.length - pc2);
    return result.toByteArray();
  }

  private boolean verifySignature(
      byte[] sigWithType, byte[] pubKeyBytes, byte[] scriptCode, int flags) {
    if (sigWithType.length == 0) {
      return false;
    }
    PublicKey pubKey = parsePublicKey(pubKeyBytes);
    if (pubKey == null) {
      return false;
    }
    int type = sigWithType[sigWithType.length - 1] & 0xFF;
    EcdsaSignature sig =
        EcdsaSignature.fromDerLax(Arrays.copyOf(sigWithType, sigWithType.length - 1));
    if (sig == null || sig.r().signum() == 0 || sig.s().signum() == 0) {
      return false;
    }
    byte[] digest =
        (flags & ScriptFlags.SIGHASH_FORKID) != 0 && Sighash.usesForkIdDigest(type)
            ? Hashes.sha256d(sighash.forkIdPreimage(inputIndex, scriptCode, amountSats, type))
            : sighash.legacyDigest(inputIndex, scriptCode, type);
    return pubKey.verify(digest, sig.normalizeS());
  }

  /**
   * The node's CPubKey parse: compressed, uncompressed or hybrid (06/07) points on the curve, else
   * null.
   */
  static PublicKey parsePublicKey(byte[] k) {
    byte[] encoded = k;
    if (k.length == 65 && (k[0] == 0x06 || k[0] == 0x07)) {
      if ((k[64] & 1) != (k[0] & 1)) {
        return null;
      }
      encoded = k.clone();
      encoded[0] = 0x04;
    }
    try {
      return PublicKey.fromBytes(encoded);
    } catch (FormatException e) {
      return null;
    }
  }

  private boolean checkLockTime(long lockTime) {
    long txLockTime = tx.lockTime();
    if (!((txLockTime < LOCKTIME_THRESHOLD && lockTime < LOCKTIME_THRESHOLD)
        || (txLockTime >= LOCKTIME_THRESHOLD && lockTime >= LOCKTIME_THRESHOLD))) {
      return false;
    }
    if (lockTime > txLockTime) {
      return false;
    }
    return tx.inputs().get(inputIndex).sequence() != SEQUENCE_FINAL;
  }

  private boolean checkSequence(long sequence) {
    long txSequence = tx.inputs().get(inputIndex).sequence();
    if ((tx.version() & 0xFFFF_FFFFL) < 2) {
      return false;
    }
    if ((txSequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) != 0) {
      return false;
    }
    long mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    long txMasked = txSequence & mask;
    long masked = sequence & mask;
    if (!((txMasked < SEQUENCE_LOCKTIME_TYPE_FLAG && masked < SEQUENCE_LOCKTIME_TYPE_FLAG)
        || (txMasked >= SEQUENCE_LOCKTIME_TYPE_FLAG && masked >= SEQUENCE_LOCKTIME_TYPE_FLAG))) {
      return false;
    }
    return masked <= txMasked;
  }
}

package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.encoding.StableCode;

/**
 * Why a script failed, with the Bitcoin SV node's names (its {@code SCRIPT_ERR_*} without the
 * prefix, as its test vectors spell them) and stable numeric codes for storage and APIs.
 */
public enum ScriptError implements StableCode.Described {
  OK(0, "no error"),
  UNKNOWN_ERROR(1, "unknown error"),
  EVAL_FALSE(2, "script evaluated without error but finished with a false/empty top stack element"),
  OP_RETURN(3, "OP_RETURN was encountered"),
  SCRIPT_SIZE(4, "script is too big"),
  PUSH_SIZE(5, "push value size limit exceeded"),
  OP_COUNT(6, "operation limit exceeded"),
  STACK_SIZE(7, "stack size limit exceeded"),
  SIG_COUNT(8, "signature count negative or greater than pubkey count"),
  PUBKEY_COUNT(9, "pubkey count negative or limit exceeded"),
  OPERAND_SIZE(10, "invalid operand size"),
  INVALID_NUMBER_RANGE(11, "given operand is not a number within the valid range"),
  IMPOSSIBLE_ENCODING(12, "the requested encoding is impossible to satisfy"),
  SPLIT_RANGE(13, "invalid OP_SPLIT range"),
  SCRIPTNUM_OVERFLOW(14, "script number overflow"),
  SCRIPTNUM_MINENCODE(15, "non-minimally encoded script number"),
  VERIFY(16, "script failed an OP_VERIFY operation"),
  EQUALVERIFY(17, "script failed an OP_EQUALVERIFY operation"),
  CHECKMULTISIGVERIFY(18, "script failed an OP_CHECKMULTISIGVERIFY operation"),
  CHECKSIGVERIFY(19, "script failed an OP_CHECKSIGVERIFY operation"),
  NUMEQUALVERIFY(20, "script failed an OP_NUMEQUALVERIFY operation"),
  BAD_OPCODE(21, "opcode missing or not understood"),
  DISABLED_OPCODE(22, "attempted to use a disabled opcode"),
  INVALID_STACK_OPERATION(23, "operation not valid with the current stack size"),
  INVALID_ALTSTACK_OPERATION(24, "operation not valid with the current altstack size"),
  UNBALANCED_CONDITIONAL(25, "invalid OP_IF construction"),
  DIV_BY_ZERO(26, "division by zero error"),
  MOD_BY_ZERO(27, "modulo by zero error"),
  NEGATIVE_LOCKTIME(28, "negative locktime"),
  UNSATISFIED_LOCKTIME(29, "locktime requirement not satisfied"),
  SIG_HASHTYPE(30, "signature hash type missing or not understood"),
  SIG_DER(31, "non-canonical DER signature"),
  MINIMALDATA(32, "data push larger than necessary"),
  SIG_PUSHONLY(33, "only push operators allowed in signatures"),
  SIG_HIGH_S(34, "non-canonical signature: S value is unnecessarily high"),
  SIG_NULLDUMMY(35, "dummy CHECKMULTISIG argument must be zero"),
  PUBKEYTYPE(36, "public key is neither compressed or uncompressed"),
  CLEANSTACK(37, "extra items left on stack after execution"),
  MINIMALIF(38, "OP_IF/NOTIF argument must be minimal"),
  NULLFAIL(39, "signature must be zero for failed CHECK(MULTI)SIG operation"),
  DISCOURAGE_UPGRADABLE_NOPS(40, "NOPx reserved for soft-fork upgrades"),
  NONCOMPRESSED_PUBKEY(41, "using non-compressed public key"),
  ILLEGAL_FORKID(42, "illegal use of SIGHASH_FORKID"),
  MISSING_FORKID(43, "signature must use SIGHASH_FORKID"),
  ILLEGAL_CHRONICLE(44, "illegal use of the sighash CHRONICLE bit (0x20)"),
  INVALID_FLAGS(45, "invalid combination of script flags"),
  BIG_INT(46, "big integer operation out of range");

  private final StableCode stableCode;

  ScriptError(int code, String description) {
    this.stableCode = new StableCode(code, description);
  }

  @Override
  public StableCode stableCode() {
    return stableCode;
  }
}

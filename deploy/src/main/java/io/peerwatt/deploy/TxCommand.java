package io.peerwatt.deploy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peerwatt tx}: inspect BSV transactions (decode, sighash, verify); the logic is {@link
 * TxTool}.
 */
@Command(
    name = "tx",
    mixinStandardHelpOptions = true,
    description = "Inspect BSV transactions: decode, compute a sighash, verify a BEEF.",
    subcommands = {TxCommand.Decode.class, TxCommand.SighashCmd.class, TxCommand.Verify.class})
public final class TxCommand extends CommandGroup {

  @Command(
      name = "decode",
      mixinStandardHelpOptions = true,
      description =
          "Print a transaction as JSON (txid, version, size, lockTime, inputs, outputs with ASM).")
  static final class Decode implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "HEX|@FILE",
        description = "raw transaction as hex, or @file holding hex or binary")
    String tx;

    @Override
    public Integer call() {
      byte[] raw = BytesArgument.read(tx, "transaction");
      String json;
      try {
        json = TxTool.decodeJson(raw);
      } catch (FormatException e) {
        throw new UserError("transaction: " + e.getMessage(), e);
      }
      spec.commandLine().getOut().println(json);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "sighash",
      mixinStandardHelpOptions = true,
      description =
          "Print the 32-byte digest ECDSA signs for an input (hex, natural byte order), or its preimage.")
  static final class SighashCmd implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--tx",
        required = true,
        paramLabel = "HEX|@FILE",
        description = "the spending transaction")
    String tx;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "N",
        description = "index of the input being signed")
    int input;

    @Option(
        names = "--script",
        required = true,
        paramLabel = "HEX",
        description = "script code: the locking script being spent")
    String script;

    @Option(
        names = "--amount",
        required = true,
        paramLabel = "SATS",
        description = "satoshis of the output being spent")
    long amount;

    @Option(
        names = "--type",
        required = true,
        paramLabel = "INT",
        description =
            "sighash type, e.g. 65 = ALL|FORKID (0x40 without 0x20 selects the FORKID digest, as the node)")
    int type;

    @Option(names = "--preimage", description = "print the preimage instead of the digest")
    boolean preimage;

    @Override
    public Integer call() {
      String out;
      try {
        Transaction transaction = Transaction.parse(BytesArgument.read(tx, "transaction"));
        byte[] scriptCode = script.isEmpty() ? new byte[0] : BytesArgument.read(script, "script");
        out = TxTool.sighash(transaction, input, scriptCode, amount, type, preimage);
      } catch (FormatException e) {
        throw new UserError(e.getMessage(), e);
      }
      spec.commandLine().getOut().println(out);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify every input of a BEEF's subject transaction (V1, V2 or Atomic BEEF) with the script"
            + " interpreter against the outputs it spends; one line per input.",
        "Exit 0 only if every input is valid, 1 otherwise."
      })
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "HEX|@FILE",
        description = "BEEF as hex, or @file holding hex or binary")
    String beef;

    @Option(
        names = "--consensus",
        description =
            "check only the post-Genesis consensus rules (default: the node's standard policy rules too)")
    boolean consensus;

    @Override
    public Integer call() {
      TxTool.VerifyReport report;
      try {
        int flags =
            consensus ? ScriptFlags.POST_GENESIS_CONSENSUS : ScriptFlags.POST_GENESIS_STANDARD;
        report = TxTool.verifyBeef(BytesArgument.read(beef, "BEEF"), flags);
      } catch (FormatException e) {
        throw new UserError("BEEF: " + e.getMessage(), e);
      }
      for (TxTool.InputVerdict verdict : report.inputs()) {
        spec.commandLine().getOut().println(verdict.line());
      }
      spec.commandLine().getOut().flush();
      return report.allValid() ? 0 : 1;
    }
  }
}

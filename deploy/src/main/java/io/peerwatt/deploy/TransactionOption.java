package io.peerwatt.deploy;

import io.peerwatt.protocol.bsv.Transaction;
import picocli.CommandLine.Option;

/** {@code --tx}: the raw transaction a command hands on, hex or {@code @file}. */
public final class TransactionOption {
  @Option(
      names = "--tx",
      required = true,
      paramLabel = "HEX|@FILE",
      description = "the raw transaction, hex or @file")
  String tx;

  /** The transaction given; one that cannot be read or parsed is a {@link UserError}. */
  public Transaction transaction() {
    return BytesArgument.transaction(tx, "--tx");
  }
}

package io.peerwatt.deploy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A command-line argument naming bytes as HEX or @FILE (a file of hex text or raw binary). */
public final class BytesArgument {
  private BytesArgument() {}

  /** The bytes {@code arg} names; a bad argument is a {@link UserError} naming {@code what}. */
  public static byte[] read(String arg, String what) {
    try {
      if (arg.startsWith("@")) {
        Path file = Path.of(arg.substring(1));
        return hexOrBinary(Files.readAllBytes(file));
      }
      return Transaction.parseHexBytes(arg.strip(), what);
    } catch (NoSuchFileException e) {
      throw new UserError("no such file: " + arg.substring(1));
    } catch (IOException e) {
      throw new UserError("cannot read " + arg.substring(1) + ": " + e.getMessage(), e);
    } catch (FormatException e) {
      String message =
          e.getMessage().startsWith(what) ? e.getMessage() : what + ": " + e.getMessage();
      throw new UserError(message, e);
    }
  }

  /**
   * The transaction {@code arg} names (hex or @file); bytes that are not one are a {@link
   * UserError} naming {@code what}.
   */
  public static Transaction transaction(String arg, String what) {
    byte[] raw = read(arg, what);
    try {
      return Transaction.parse(raw);
    } catch (FormatException e) {
      throw new UserError(what + " is not a transaction: " + e.getMessage(), e);
    }
  }

  /**
   * A file's content as bytes: hex text (whitespace allowed) is decoded, anything else is taken as
   * it is.
   */
  public static byte[] hexOrBinary(byte[] content) {
    String text = new String(content, StandardCharsets.ISO_8859_1).strip();
    if (!text.isEmpty()
        && text.chars()
            .allMatch(ch -> Character.digit(ch, 16) >= 0 || Character.isWhitespace(ch))) {
      return Transaction.parseHexBytes(text.replaceAll("\\s+", ""), "hex input");
    }
    return content.clone();
  }
}

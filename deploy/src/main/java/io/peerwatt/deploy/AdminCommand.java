package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseUnavailableException;
import io.peerwatt.trading.AccountAdmin;
import io.peerwatt.trading.openadr.VtnClients;
import io.peerwatt.trading.openadr.VtnContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerwatt admin}: one-off administration of a platform's database. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Administer a PeerWatt platform's database.",
    subcommands = {AdminCommand.CreateOperator.class, AdminCommand.OpenAdrClient.class})
final class AdminCommand extends CommandGroup {

  /**
   * {@code peerwatt admin create-operator}: the first operator of a fresh install (there is no
   * default password). The password comes from a file so it never shows in the process list or
   * shell history.
   */
  @Command(
      name = "create-operator",
      mixinStandardHelpOptions = true,
      description = "Create an operator account (the password is read from a file, first line).")
  static final class CreateOperator implements Runnable {
    @Option(
        names = "--username",
        required = true,
        paramLabel = "U",
        description = "login name: 3-64 of a-z 0-9 . _ -")
    String username;

    @Option(
        names = "--password-file",
        required = true,
        paramLabel = "F",
        description = "file whose first line is the password (12+ characters)")
    Path passwordFile;

    @picocli.CommandLine.Mixin PlatformOptions platform;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      String password;
      try {
        password =
            Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                .findFirst()
                .orElse("");
      } catch (IOException e) {
        throw new UserError("cannot read password file " + passwordFile + ": " + e.getMessage());
      }
      PlatformSettings settings = platform.settings();
      long id;
      try (Database db = Database.start(settings.database())) {
        id = AccountAdmin.createOperator(db.dsl(), username, password);
      } catch (DatabaseUnavailableException e) {
        throw new UserError(e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new UserError("cannot create operator " + username + ": " + e.getMessage(), e);
      }
      spec.commandLine().getOut().println("Created operator " + username + " (account " + id + ")");
    }
  }

  /**
   * {@code peerwatt admin openadr-client}: business-logic client credentials for the OpenADR 3.1.0
   * VTN (a grid operator's system), as an operator's {@code POST /api/v1/openadr/clients} issues
   * them. The secret is printed once; the database keeps its hash.
   */
  @Command(
      name = "openadr-client",
      mixinStandardHelpOptions = true,
      description =
          "Issue business-logic client credentials for the OpenADR 3.1.0 VTN (the secret is shown"
              + " once).")
  static final class OpenAdrClient implements Runnable {
    @Option(
        names = "--label",
        required = true,
        paramLabel = "L",
        description = "who the client is for, 1-128 characters")
    String label;

    @picocli.CommandLine.Mixin PlatformOptions platform;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      if (label.isBlank() || label.length() > 128) {
        throw new UserError("--label must have 1 to 128 characters");
      }
      PlatformSettings settings = platform.settings();
      VtnClients.Issued issued;
      try (Database db = Database.start(settings.database())) {
        issued =
            new VtnClients(db.dsl(), new SecureRandom(), Clock.systemUTC())
                .issueBusinessLogic(label);
      } catch (DatabaseUnavailableException e) {
        throw new UserError(e.getMessage(), e);
      }
      var out = spec.commandLine().getOut();
      out.println("client_id:     " + issued.clientId());
      out.println("client_secret: " + issued.clientSecret());
      out.println("scopes:        " + issued.scopes());
      out.println(
          "token URL:     <platform URL>"
              + VtnContract.BASE_PATH
              + "/auth/token (client credentials; the secret is not shown again)");
    }
  }
}

package io.peerwatt.settlement.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyVaultTest {
  @TempDir Path dir;

  @Test
  void keysSurviveReopeningAndAreNotStoredInTheClear() throws Exception {
    Path vaultFile = dir.resolve("hub-keys.json");
    Path secret = dir.resolve("hub-keys.secret");
    KeyVault vault = KeyVault.open(vaultFile, secret, new SecureRandom());
    PrivateKey key = vault.key("hub-wallet");
    assertThat(vault.key("hub-wallet")).isEqualTo(key);

    KeyVault reopened = KeyVault.open(vaultFile, secret, new SecureRandom());
    assertThat(reopened.has("hub-wallet")).isTrue();
    assertThat(reopened.key("hub-wallet").hex()).isEqualTo(key.hex());

    String content = Files.readString(vaultFile);
    assertThat(content).contains("\"kdf\"").doesNotContain(key.hex()).doesNotContain("hub-wallet");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vaultFile)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
        .isEqualTo("rw-------");
  }

  @Test
  void aWrongPassphraseOrATamperedFileDoesNotOpen() throws Exception {
    Path vaultFile = dir.resolve("v.json");
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "correct horse battery staple\n", StandardCharsets.UTF_8);
    KeyVault.open(vaultFile, pass, new SecureRandom()).key("custodial-alice");

    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "Tr0ub4dor&3", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> KeyVault.open(vaultFile, wrong, new SecureRandom()))
        .isInstanceOf(KeyVault.WrongSecretException.class);

    String text = Files.readString(vaultFile);
    int key = text.indexOf("\"ciphertext\"");
    int at = text.indexOf('"', text.indexOf(':', key)) + 1;
    char c = text.charAt(at);
    Files.writeString(
        vaultFile, text.substring(0, at) + (c == '0' ? '1' : '0') + text.substring(at + 1));
    assertThatThrownBy(() -> KeyVault.open(vaultFile, pass, new SecureRandom()))
        .isInstanceOf(KeyVault.WrongSecretException.class);
  }
}

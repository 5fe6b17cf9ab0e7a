package dev.cairn.shell.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A node's long-term Ed25519 identity, in CometBFT's {@code config/node_key.json} format:
 * {@code {"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"<base64 seed ‖ pubkey>"}}}.
 */
public final class NodeKey {

  /** The amino type name CometBFT writes for Ed25519 private keys. */
  public static final String ED25519_TYPE = "tendermint/PrivKeyEd25519";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A node_key.json is about 150 bytes; anything this large is not one and is not read. */
  static final long MAX_FILE_BYTES = 64 * 1024;

  private final byte[] seed;
  private final byte[] publicKey;
  private final NodeId id;

  private NodeKey(byte[] seed, byte[] publicKey) {
    this.seed = seed;
    this.publicKey = publicKey;
    this.id = CryptoPrimitives.nodeId(publicKey);
  }

  /** The key whose seed is {@code seed} (32 bytes). */
  public static NodeKey fromSeed(byte[] seed) {
    byte[] s = seed.clone();
    return new NodeKey(s, CryptoPrimitives.ed25519PublicKey(s));
  }

  /** A fresh key from {@code random}. */
  public static NodeKey generate(SecureRandom random) {
    byte[] s = new byte[CryptoPrimitives.ED25519_SEED_BYTES];
    random.nextBytes(s);
    return new NodeKey(s, CryptoPrimitives.ed25519PublicKey(s));
  }

  /** Parses the JSON text of a {@code node_key.json} (any whitespace). */
  public static NodeKey parse(String json) throws NodeKeyException {
    JsonNode root;
    if (json.isBlank()) {
      throw new NodeKeyException("node key file is empty: it must hold a JSON object with a \"priv_key\" field");
    }
    try {
      root = JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new NodeKeyException("node key is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
          + ", column " + at.getColumnNr()) + ": " + jsonProblem(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new NodeKeyException("node key must be a JSON object with a \"priv_key\" field");
    }
    JsonNode priv = root.get("priv_key");
    if (priv == null || !priv.isObject()) {
      throw new NodeKeyException("node key has no \"priv_key\" object");
    }
    JsonNode type = priv.get("type");
    if (type == null || !type.isTextual()) {
      throw new NodeKeyException("node key \"priv_key.type\" is missing or not a string");
    }
    if (!ED25519_TYPE.equals(type.asText())) {
      throw new NodeKeyException(
          "node key type is \"" + type.asText() + "\", only \"" + ED25519_TYPE + "\" is supported");
    }
    JsonNode value = priv.get("value");
    if (value == null || !value.isTextual()) {
      throw new NodeKeyException("node key \"priv_key.value\" is missing or not a string");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      throw new NodeKeyException("node key \"priv_key.value\" is not valid base64: " + base64Problem(e), e);
    }
    if (raw.length != 64) {
      throw new NodeKeyException(
          "node key value must be 64 bytes (seed ‖ public key), got " + raw.length);
    }
    byte[] seed = Arrays.copyOfRange(raw, 0, 32);
    byte[] stored = Arrays.copyOfRange(raw, 32, 64);
    byte[] derived = CryptoPrimitives.ed25519PublicKey(seed);
    if (!Arrays.equals(derived, stored)) {
      throw new NodeKeyException(
          "node key public key (bytes 32..63) does not match the key derived from its seed");
    }
    return new NodeKey(seed, derived);
  }

  /**
   * What Jackson refused, in its first words only: its own text goes on with what it expected,
   * its settings' names and where its source was.
   */
  static String jsonProblem(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("FAIL_ON_TRAILING_TOKENS") || m.contains("Trailing token")) {
      return "more text follows the JSON object";
    }
    for (String cut : new String[] {": was expecting", ": expected", " (for ", "\n", " (code "}) {
      int i = m.indexOf(cut);
      if (i > 0) {
        m = m.substring(0, i);
      }
    }
    if (m.startsWith("Unexpected close marker")) {
      m = m.replace("Unexpected close marker", "unexpected") + " (text after the object, or a bracket too many)";
    }
    if (m.startsWith("Unexpected character ('\uFEFF'")) {
      return "it starts with a byte-order mark; save it as UTF-8 without one";
    }
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  /** What java.util.Base64 refused, in words (its own text gives a character's code in hex). */
  private static String base64Problem(IllegalArgumentException e) {
    String m = String.valueOf(e.getMessage());
    java.util.regex.Matcher c = java.util.regex.Pattern.compile("Illegal base64 character (-?[0-9a-f]+)").matcher(m);
    if (c.find()) {
      int ch = (byte) Integer.parseInt(c.group(1), 16) & 0xFF;
      return (ch >= 0x20 && ch < 0x7F ? "'" + (char) ch + "'" : String.format("byte 0x%02X", ch))
          + " is not a base64 character";
    }
    return "its length or padding is not that of base64 text";
  }

  /** Reads {@code file}. */
  public static NodeKey load(Path file) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new NodeKeyException("cannot read node key file " + file + ": "
          + dev.cairn.shell.node.FailureReasons.describe(e), e);
    }
    if (size > MAX_FILE_BYTES) {
      throw new NodeKeyException("node key file " + file + " is " + size + " bytes, more than the "
          + MAX_FILE_BYTES + " a node_key.json may hold");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new NodeKeyException("node key file " + file + " is not a node_key.json: not UTF-8 text", e);
    } catch (IOException e) {
      throw new NodeKeyException("cannot read node key file " + file + ": "
          + dev.cairn.shell.node.FailureReasons.describe(e), e);
    }
    try {
      return parse(text);
    } catch (NodeKeyException e) {
      throw new NodeKeyException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code file}, or generates a key with {@code random} and writes it when absent. */
  public static NodeKey loadOrGenerate(Path file, SecureRandom random) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    NodeKey key = generate(random);
    key.write(file);
    return key;
  }

  /** The compact JSON CometBFT writes. */
  public String toJson() {
    byte[] raw = new byte[64];
    System.arraycopy(seed, 0, raw, 0, 32);
    System.arraycopy(publicKey, 0, raw, 32, 32);
    return "{\"priv_key\":{\"type\":\"" + ED25519_TYPE + "\",\"value\":\""
        + Base64.getEncoder().encodeToString(raw) + "\"}}";
  }

  /**
   * Writes the key compactly to {@code file} with mode 0600 (on POSIX file systems), through a
   * temporary file in the same directory that is then moved into place atomically.
   */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path tmp = posix
        ? Files.createTempFile(dir, ".node_key", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, ".node_key", ".tmp");
    try {
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Signs {@code message} with pure Ed25519. */
  public byte[] sign(byte[] message) {
    return CryptoPrimitives.ed25519Sign(seed, publicKey, message);
  }

  /** The 32-byte Ed25519 public key (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The node ID derived from the public key. */
  public NodeId id() {
    return id;
  }

  @Override
  public String toString() {
    return "NodeKey[" + id + "]";
  }
}

package dev.cairn.shell.secret;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.proto.crypto.PublicKey;
import dev.cairn.proto.p2p.AuthSigMessage;
import dev.cairn.shell.crypto.CryptoPrimitives;
import dev.cairn.shell.crypto.NodeKey;
import dev.cairn.shell.secret.SecretConnectionException.Reason;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SecretConnection handshake (wire-protocol §2) as a sans-IO state machine: bytes in through
 * {@link #receive}, bytes out through {@link #takeOutbound}. Both sides write first: the 35-byte
 * ephemeral key message is ready as soon as the object exists, and the AuthSig frame as soon as
 * the peer's ephemeral key has arrived. It consumes exactly the bytes the handshake needs; the
 * caller hands any remainder to the data phase. Any failure is final.
 */
public final class SecretHandshake {

  /** Length of the cleartext ephemeral key message: {@code 22 0a 20 <32-byte X25519 key>}. */
  public static final int EPHEMERAL_MESSAGE_BYTES = 35;
  /** Largest AuthSig message accepted (an Ed25519 one is 102 bytes; Go allows up to 1 MiB). */
  public static final int AUTH_SIG_MAX_BYTES = 4096;

  private static final byte[] EPHEMERAL_PREFIX = {0x22, 0x0a, 0x20};
  private static final HexFormat HEX = HexFormat.of();

  /** Where the handshake stands. */
  public enum State { AWAIT_EPHEMERAL, AWAIT_AUTH_SIG, DONE, FAILED }

  private final NodeKey localKey;
  private final byte[] localEphPriv = new byte[32];
  private final byte[] localEphPub;
  private final byte[] remoteEphMsg = new byte[EPHEMERAL_MESSAGE_BYTES];
  private int remoteEphLen;
  private byte[] outbound;
  private State state = State.AWAIT_EPHEMERAL;
  private byte[] challenge;
  private FrameSealer sealer;
  private SecretReader reader;
  private final byte[] frame = new byte[Frames.SEALED_BYTES];
  private int frameLen;
  private HandshakeResult result;

  /** Starts a handshake; draws the 32-byte ephemeral X25519 private key from {@code random}. */
  public SecretHandshake(NodeKey localKey, SecureRandom random) {
    this.localKey = localKey;
    random.nextBytes(localEphPriv);
    this.localEphPub = CryptoPrimitives.x25519PublicKey(localEphPriv);
    this.outbound = ephemeralMessage(localEphPub);
  }

  /** The wire form of an ephemeral key: protobuf BytesValue, length-delimited. */
  public static byte[] ephemeralMessage(byte[] ephPub) {
    byte[] m = new byte[EPHEMERAL_MESSAGE_BYTES];
    System.arraycopy(EPHEMERAL_PREFIX, 0, m, 0, 3);
    System.arraycopy(ephPub, 0, m, 3, 32);
    return m;
  }

  public State state() {
    return state;
  }

  public boolean isDone() {
    return state == State.DONE;
  }

  /** Bytes to send now (possibly empty); each byte is returned once. */
  public byte[] takeOutbound() {
    byte[] out = outbound;
    outbound = new byte[0];
    return out;
  }

  /** The local ephemeral public key. */
  public byte[] localEphemeralPublicKey() {
    return localEphPub.clone();
  }

  /** The signed challenge, once the peer's ephemeral key has arrived. */
  public byte[] challenge() {
    return challenge == null ? null : challenge.clone();
  }

  /** The outcome; only when {@link #isDone()}. */
  public HandshakeResult result() {
    if (result == null) {
      throw new IllegalStateException("handshake is " + state + ", not DONE");
    }
    return result;
  }

  /**
   * Consumes received bytes up to what the handshake needs.
   *
   * @return how many bytes of {@code src[off, off+len)} were consumed; after {@link State#DONE}
   *     the rest belongs to the data phase
   */
  public int receive(byte[] src, int off, int len) throws SecretConnectionException {
    if (state == State.FAILED) {
      throw new IllegalStateException("handshake already failed");
    }
    try {
      int p = off;
      int end = off + len;
      while (p < end && state != State.DONE) {
        p += switch (state) {
          case AWAIT_EPHEMERAL -> receiveEphemeral(src, p, end - p);
          case AWAIT_AUTH_SIG -> receiveAuthSigBytes(src, p, end - p);
          case DONE, FAILED -> throw new IllegalStateException(state.name());
        };
      }
      return p - off;
    } catch (SecretConnectionException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Consumes all of {@code src}, returning the unconsumed tail (empty unless DONE). */
  public byte[] receive(byte[] src) throws SecretConnectionException {
    int n = receive(src, 0, src.length);
    return Arrays.copyOfRange(src, n, src.length);
  }

  /** The error to report when the peer closes the connection now. */
  public SecretConnectionException closedByPeer() {
    return switch (state) {
      case AWAIT_EPHEMERAL -> new SecretConnectionException(Reason.TRUNCATED_EPHEMERAL,
          "connection closed after " + remoteEphLen + " of 35 ephemeral key message bytes");
      default -> new SecretConnectionException(Reason.TRUNCATED,
          "connection closed during the handshake in state " + state + " (AuthSig frame bytes "
              + frameLen + " of " + Frames.SEALED_BYTES + ")");
    };
  }

  private int receiveEphemeral(byte[] src, int off, int len) throws SecretConnectionException {
    int n = Math.min(len, EPHEMERAL_MESSAGE_BYTES - remoteEphLen);
    for (int i = 0; i < n; i++) {
      byte b = src[off + i];
      int at = remoteEphLen + i;
      if (at < 3 && b != EPHEMERAL_PREFIX[at]) {
        throw new SecretConnectionException(Reason.MALFORMED_EPHEMERAL, String.format(
            "ephemeral key message byte %d is 0x%02x, expected 0x%02x (message must be 22 0a 20 <32 bytes>)",
            at, b & 0xff, EPHEMERAL_PREFIX[at]));
      }
    }
    System.arraycopy(src, off, remoteEphMsg, remoteEphLen, n);
    remoteEphLen += n;
    if (remoteEphLen == EPHEMERAL_MESSAGE_BYTES) {
      onEphemeralKey(Arrays.copyOfRange(remoteEphMsg, 3, EPHEMERAL_MESSAGE_BYTES));
    }
    return n;
  }

  private void onEphemeralKey(byte[] remoteEphPub) throws SecretConnectionException {
    byte[] dh = CryptoPrimitives.x25519(localEphPriv, remoteEphPub);
    Arrays.fill(localEphPriv, (byte) 0);
    if (CryptoPrimitives.isAllZero(dh)) {
      throw new SecretConnectionException(Reason.LOW_ORDER_POINT,
          "peer ephemeral key " + HEX.formatHex(remoteEphPub) + " is a low-order point (all-zero X25519 result)");
    }
    boolean locIsLeast = SecretKeys.isLeast(localEphPub, remoteEphPub);
    byte[] lo = locIsLeast ? localEphPub : remoteEphPub;
    byte[] hi = locIsLeast ? remoteEphPub : localEphPub;
    SecretKeys keys = SecretKeys.derive(dh, locIsLeast);
    challenge = SecretKeys.challenge(lo, hi, dh);
    sealer = new FrameSealer(keys.sendKey());
    reader = new SecretReader(new FrameOpener(keys.recvKey()));
    byte[] authSig = authSigMessage(localKey.publicKey(), localKey.sign(challenge));
    byte[] sealed = sealer.seal(authSig);
    byte[] out = Arrays.copyOf(outbound, outbound.length + sealed.length);
    System.arraycopy(sealed, 0, out, outbound.length, sealed.length);
    outbound = out;
    state = State.AWAIT_AUTH_SIG;
  }

  /** The delimited AuthSigMessage: {@code 66 0a 22 0a 20 <pub> 12 40 <sig>} for Ed25519. */
  public static byte[] authSigMessage(byte[] ed25519Pub, byte[] signature) {
    byte[] body = AuthSigMessage.newBuilder()
        .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(ed25519Pub)))
        .setSig(ByteString.copyFrom(signature))
        .build()
        .toByteArray();
    return delimit(body);
  }

  static byte[] delimit(byte[] body) {
    byte[] prefix = uvarint(body.length);
    byte[] out = Arrays.copyOf(prefix, prefix.length + body.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  private static byte[] uvarint(long v) {
    byte[] buf = new byte[10];
    int n = 0;
    while ((v & ~0x7fL) != 0) {
      buf[n++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[n++] = (byte) v;
    return Arrays.copyOf(buf, n);
  }

  /** Takes bytes up to the end of the current sealed frame; opens it when complete. */
  private int receiveAuthSigBytes(byte[] src, int off, int len) throws SecretConnectionException {
    int n = Math.min(len, Frames.SEALED_BYTES - frameLen);
    System.arraycopy(src, off, frame, frameLen, n);
    frameLen += n;
    if (frameLen == Frames.SEALED_BYTES) {
      frameLen = 0;
      reader.feed(frame, 0, Frames.SEALED_BYTES);
      tryParseAuthSig();
    }
    return n;
  }

  private void tryParseAuthSig() throws SecretConnectionException {
    long bodyLen = 0;
    int shift = 0;
    int prefix = 0;
    while (true) {
      if (prefix >= reader.available()) {
        return;
      }
      int b = reader.peek(prefix++);
      if (shift == 63 && b > 1) {
        throw new SecretConnectionException(Reason.MALFORMED_AUTH_SIG, "AuthSig length varint overflows 64 bits");
      }
      bodyLen |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 63) {
        throw new SecretConnectionException(Reason.MALFORMED_AUTH_SIG, "AuthSig length varint is longer than 10 bytes");
      }
    }
    if (Long.compareUnsigned(bodyLen, AUTH_SIG_MAX_BYTES) > 0) {
      throw new SecretConnectionException(Reason.MALFORMED_AUTH_SIG,
          "AuthSig message length " + Long.toUnsignedString(bodyLen) + " exceeds " + AUTH_SIG_MAX_BYTES);
    }
    if (reader.available() < prefix + bodyLen) {
      return;
    }
    reader.read(new byte[prefix], 0, prefix);
    byte[] body = new byte[(int) bodyLen];
    reader.read(body, 0, body.length);
    byte[] remotePub = verifyAuthSig(body);
    state = State.DONE;
    result = new HandshakeResult(remotePub, CryptoPrimitives.nodeId(remotePub), sealer,
        reader.opener(), reader.readAll());
  }

  private byte[] verifyAuthSig(byte[] body) throws SecretConnectionException {
    AuthSigMessage msg;
    try {
      msg = AuthSigMessage.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new SecretConnectionException(Reason.MALFORMED_AUTH_SIG, "AuthSig message does not parse: " + e.getMessage());
    }
    PublicKey pk = msg.getPubKey();
    byte[] remotePub = switch (pk.getSumCase()) {
      case ED25519 -> pk.getEd25519().toByteArray();
      case SECP256K1 -> throw new SecretConnectionException(Reason.UNSUPPORTED_KEY_TYPE,
          "expected ed25519 pubkey, got secp256k1");
      case BLS12381 -> throw new SecretConnectionException(Reason.UNSUPPORTED_KEY_TYPE,
          "expected ed25519 pubkey, got bls12381");
      case SUM_NOT_SET -> throw new SecretConnectionException(Reason.UNSUPPORTED_KEY_TYPE,
          "expected ed25519 pubkey, got an unset or unknown key type");
    };
    if (remotePub.length != CryptoPrimitives.ED25519_PUBLIC_KEY_BYTES) {
      throw new SecretConnectionException(Reason.BAD_KEY_LENGTH,
          "ed25519 pubkey must be 32 bytes, got " + remotePub.length);
    }
    byte[] sig = msg.getSig().toByteArray();
    if (!CryptoPrimitives.ed25519Verify(remotePub, challenge, sig)) {
      throw new SecretConnectionException(Reason.BAD_SIGNATURE,
          "challenge verification failed for pubkey " + HEX.formatHex(remotePub)
              + " (signature of " + sig.length + " bytes)");
    }
    return remotePub;
  }
}

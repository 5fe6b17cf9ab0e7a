package dev.cairn.shell.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * STROBE v1.0.2 at security level 128 (rate {@code R = 166}), over {@link Keccak1600}.
 *
 * <p>All operations of the specification are provided, including the transport (T-flag)
 * operations, MAC and RATCHET, so the published StrobeGo vectors replay in full. Merlin needs
 * only meta-AD, AD and PRF. Instances are mutable and not thread-safe.
 */
public final class Strobe128 {

  /** Inbound flag. */
  public static final int FLAG_I = 0x01;
  /** Application flag. */
  public static final int FLAG_A = 0x02;
  /** Cipher flag. */
  public static final int FLAG_C = 0x04;
  /** Transport flag. */
  public static final int FLAG_T = 0x08;
  /** Meta flag. */
  public static final int FLAG_M = 0x10;
  /** Keytree flag (reserved by the specification; refused here). */
  public static final int FLAG_K = 0x20;

  /** The STROBE operations, each with its flag set (before the meta flag). */
  public enum Op {
    AD(FLAG_A),
    KEY(FLAG_A | FLAG_C),
    PRF(FLAG_I | FLAG_A | FLAG_C),
    SEND_CLR(FLAG_A | FLAG_T),
    RECV_CLR(FLAG_I | FLAG_A | FLAG_T),
    SEND_ENC(FLAG_A | FLAG_C | FLAG_T),
    RECV_ENC(FLAG_I | FLAG_A | FLAG_C | FLAG_T),
    SEND_MAC(FLAG_C | FLAG_T),
    RECV_MAC(FLAG_I | FLAG_C | FLAG_T),
    RATCHET(FLAG_C);

    final int flags;

    Op(int flags) {
      this.flags = flags;
    }

    /** The flag byte of this operation, with the meta flag when {@code meta}. */
    public int flags(boolean meta) {
      return meta ? flags | FLAG_M : flags;
    }
  }

  /** Rate in bytes: 200 - 128/4 - 2. */
  public static final int RATE = 166;

  private static final byte[] VERSION = "STROBEv1.0.2".getBytes(StandardCharsets.US_ASCII);
  private static final int ROLE_UNDECIDED = -1;

  private final byte[] state = new byte[Keccak1600.STATE_BYTES];
  private final long[] lanes = new long[25];
  private int pos;
  private int posBegin;
  private int curFlags;
  private int initiatorRole = ROLE_UNDECIDED;

  /** Initialises STROBE-128 with {@code protocolLabel} (absorbed as meta-AD). */
  public Strobe128(byte[] protocolLabel) {
    state[0] = 1;
    state[1] = (byte) (RATE + 2);
    state[2] = 1;
    state[3] = 0;
    state[4] = 1;
    state[5] = 96;
    System.arraycopy(VERSION, 0, state, 6, VERSION.length);
    permute();
    operate(Op.AD, true, protocolLabel, false);
  }

  /** Initialises STROBE-128 with an ASCII protocol label. */
  public Strobe128(String protocolLabel) {
    this(protocolLabel.getBytes(StandardCharsets.US_ASCII));
  }

  private Strobe128(Strobe128 other) {
    System.arraycopy(other.state, 0, state, 0, state.length);
    pos = other.pos;
    posBegin = other.posBegin;
    curFlags = other.curFlags;
    initiatorRole = other.initiatorRole;
  }

  /** An independent copy of this object in its current state. */
  public Strobe128 copy() {
    return new Strobe128(this);
  }

  /**
   * Runs one operation.
   *
   * @param op the operation
   * @param meta whether it is the meta variant
   * @param data input bytes; for PRF, SEND_MAC and RATCHET only the length matters
   * @param more continue the previous operation (which must have the same flags)
   * @return the output: PRF/RECV_* application data, SEND_* transport data, and for RECV_MAC one
   *     byte that is the OR of all check bytes (zero means the MAC is valid); empty otherwise
   */
  public byte[] operate(Op op, boolean meta, byte[] data, boolean more) {
    int flags = op.flags(meta);
    if (more) {
      if (flags != curFlags) {
        throw new IllegalStateException(
            "STROBE: cannot continue operation with flags 0x" + Integer.toHexString(curFlags)
                + " as 0x" + Integer.toHexString(flags));
      }
    } else {
      beginOp(flags);
    }
    boolean cAfter = (flags & (FLAG_C | FLAG_I | FLAG_T)) == (FLAG_C | FLAG_T);
    boolean cBefore = (flags & FLAG_C) != 0 && !cAfter;
    byte[] out = duplex(data, cBefore, cAfter);
    if ((flags & (FLAG_I | FLAG_A)) == (FLAG_I | FLAG_A) || (flags & (FLAG_I | FLAG_T)) == FLAG_T) {
      return out;
    }
    if ((flags & (FLAG_I | FLAG_A | FLAG_T)) == (FLAG_I | FLAG_T)) {
      int failures = 0;
      for (byte b : out) {
        failures |= b;
      }
      return new byte[] {(byte) failures};
    }
    return new byte[0];
  }

  /** AD or meta-AD. */
  public void ad(byte[] data, boolean meta, boolean more) {
    operate(Op.AD, meta, data, more);
  }

  /** KEY. */
  public void key(byte[] data, boolean more) {
    operate(Op.KEY, false, data, more);
  }

  /** PRF of {@code n} bytes. */
  public byte[] prf(int n, boolean more) {
    return operate(Op.PRF, false, new byte[n], more);
  }

  /** SEND_MAC of {@code n} bytes. */
  public byte[] sendMac(int n) {
    return operate(Op.SEND_MAC, false, new byte[n], false);
  }

  /** RECV_MAC; true when the MAC is valid. */
  public boolean recvMac(byte[] mac) {
    return operate(Op.RECV_MAC, false, mac, false)[0] == 0;
  }

  /** RATCHET of {@code n} bytes. */
  public void ratchet(int n) {
    operate(Op.RATCHET, false, new byte[n], false);
  }

  /** A copy of the 200-byte state. */
  public byte[] state() {
    return Arrays.copyOf(state, state.length);
  }

  /** Current position in the rate. */
  public int pos() {
    return pos;
  }

  /** Start of the current operation (plus one), as absorbed by the next operation. */
  public int posBegin() {
    return posBegin;
  }

  private void beginOp(int flags) {
    if ((flags & FLAG_K) != 0) {
      throw new IllegalArgumentException("STROBE: the K flag is not supported");
    }
    int adjusted = flags;
    if ((flags & FLAG_T) != 0) {
      if (initiatorRole == ROLE_UNDECIDED) {
        initiatorRole = flags & FLAG_I;
      }
      adjusted ^= initiatorRole;
    }
    int oldBegin = posBegin;
    posBegin = pos + 1;
    curFlags = flags;
    absorb((byte) oldBegin);
    absorb((byte) adjusted);
    if ((flags & (FLAG_C | FLAG_K)) != 0 && pos != 0) {
      runF();
    }
  }

  private byte[] duplex(byte[] data, boolean cBefore, boolean cAfter) {
    byte[] out = data.clone();
    for (int i = 0; i < out.length; i++) {
      if (cBefore) {
        out[i] ^= state[pos];
      }
      state[pos] ^= out[i];
      if (cAfter) {
        out[i] = state[pos];
      }
      if (++pos == RATE) {
        runF();
      }
    }
    return out;
  }

  private void absorb(byte b) {
    state[pos] ^= b;
    if (++pos == RATE) {
      runF();
    }
  }

  private void runF() {
    state[pos] ^= (byte) posBegin;
    state[pos + 1] ^= 0x04;
    state[RATE + 1] ^= (byte) 0x80;
    permute();
    pos = 0;
    posBegin = 0;
  }

  private void permute() {
    for (int i = 0; i < 25; i++) {
      lanes[i] = Keccak1600.readLongLe(state, 8 * i);
    }
    Keccak1600.permute(lanes);
    for (int i = 0; i < 25; i++) {
      Keccak1600.writeLongLe(state, 8 * i, lanes[i]);
    }
  }
}

package dev.cairn.shell.bench;

import dev.cairn.shell.crypto.ChaCha20Poly1305;
import dev.cairn.shell.crypto.CryptoPrimitives;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-primitive JDK vs Bouncy Castle figures behind the provider choice in CryptoPrimitives. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SecretPrimitivesBenchmark {

  private final byte[] frame = new byte[1028];
  private final byte[] sealed = new byte[1044];
  private final byte[] msg32 = new byte[32];
  private final byte[] info = "TENDERMINT_SECRET_CONNECTION_KEY_AND_CHALLENGE_GEN".getBytes();
  private long counter;

  private ChaCha20Poly1305 jdkAead;
  private org.bouncycastle.crypto.modes.ChaCha20Poly1305 bcAead;
  private final byte[] aeadKey = new byte[32];
  private final byte[] nonce = new byte[12];

  private KeyPair jdkXa;
  private KeyPair jdkXb;
  private final byte[] bcXPriv = new byte[32];
  private byte[] bcXPub;

  private KeyPair jdkEd;
  private byte[] jdkEdSig;
  private final byte[] bcEdSeed = new byte[32];
  private byte[] bcEdPub;
  private byte[] bcEdSig;

  @Setup
  public void setup() throws Exception {
    SecureRandom r = new SecureRandom();
    r.nextBytes(aeadKey);
    r.nextBytes(msg32);
    jdkAead = new ChaCha20Poly1305(aeadKey);
    bcAead = new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
    KeyPairGenerator xg = KeyPairGenerator.getInstance("X25519");
    jdkXa = xg.generateKeyPair();
    jdkXb = xg.generateKeyPair();
    r.nextBytes(bcXPriv);
    byte[] other = new byte[32];
    r.nextBytes(other);
    bcXPub = CryptoPrimitives.x25519PublicKey(other);
    jdkEd = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(jdkEd.getPrivate());
    s.update(msg32);
    jdkEdSig = s.sign();
    r.nextBytes(bcEdSeed);
    bcEdPub = CryptoPrimitives.ed25519PublicKey(bcEdSeed);
    bcEdSig = CryptoPrimitives.ed25519Sign(bcEdSeed, bcEdPub, msg32);
  }

  @Benchmark
  public byte[] aeadSealFrameJdk() {
    jdkAead.seal(counter++, frame, 0, frame.length, sealed, 0);
    return sealed;
  }

  @Benchmark
  public byte[] aeadSealFrameBc() throws Exception {
    ChaCha20Poly1305.nonce(counter++, nonce);
    bcAead.init(true, new AEADParameters(new KeyParameter(aeadKey), 128, nonce));
    int n = bcAead.processBytes(frame, 0, frame.length, sealed, 0);
    bcAead.doFinal(sealed, n);
    return sealed;
  }

  @Benchmark
  public byte[] x25519AgreementJdk() throws Exception {
    KeyAgreement ka = KeyAgreement.getInstance("X25519");
    ka.init(jdkXa.getPrivate());
    ka.doPhase(jdkXb.getPublic(), true);
    return ka.generateSecret();
  }

  @Benchmark
  public byte[] x25519AgreementBc() {
    return CryptoPrimitives.x25519(bcXPriv, bcXPub);
  }

  @Benchmark
  public KeyPair x25519KeygenJdk() throws Exception {
    return KeyPairGenerator.getInstance("X25519").generateKeyPair();
  }

  @Benchmark
  public byte[] x25519KeygenBc() {
    byte[] pub = new byte[32];
    X25519.scalarMultBase(bcXPriv, 0, pub, 0);
    return pub;
  }

  @Benchmark
  public byte[] ed25519SignJdk() throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(jdkEd.getPrivate());
    s.update(msg32);
    return s.sign();
  }

  @Benchmark
  public byte[] ed25519SignBc() {
    return CryptoPrimitives.ed25519Sign(bcEdSeed, bcEdPub, msg32);
  }

  @Benchmark
  public boolean ed25519VerifyJdk() throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(jdkEd.getPublic());
    s.update(msg32);
    return s.verify(jdkEdSig);
  }

  @Benchmark
  public boolean ed25519VerifyBc() {
    return Ed25519.verify(bcEdSig, 0, bcEdPub, 0, msg32, 0, msg32.length);
  }

  @Benchmark
  public byte[] sha256Jdk() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(msg32);
  }

  @Benchmark
  public byte[] sha256Bc() {
    SHA256Digest d = new SHA256Digest();
    d.update(msg32, 0, 32);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public byte[] hkdf96Jdk() {
    return CryptoPrimitives.hkdfSha256(msg32, new byte[0], info, 96);
  }

  @Benchmark
  public byte[] hkdf96Bc() {
    HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
    g.init(new HKDFParameters(msg32, null, info));
    byte[] out = new byte[96];
    g.generateBytes(out, 0, 96);
    return out;
  }
}

package dev.cairn.shell.store;

/**
 * {@code bucket_type} of an {@code addrbook.json} entry, with CometBFT's codes and bucket
 * geometry ({@code p2p/pex/params.go}).
 */
public enum BucketKind {
  /** Learned but never successfully connected: up to 4 of 256 new buckets. */
  NEW(1, 256, 4),
  /** Vetted by a successful connection: exactly one of 64 old buckets. */
  OLD(2, 64, 1);

  /** Addresses one bucket holds at most, new or old. */
  public static final int BUCKET_CAPACITY = 64;

  /**
   * Addresses one bucket of a file may hold: CometBFT tests a bucket's size before it makes room
   * in it ({@code len(bucket) > size}), so its books hold one more than {@link #BUCKET_CAPACITY}
   * ({@link AddrBookMapping.Overflow}: the one more is not loaded into that bucket).
   */
  public static final int FILE_BUCKET_CAPACITY = BUCKET_CAPACITY + 1;

  private final int code;
  private final int bucketCount;
  private final int bucketsPerAddressMax;

  BucketKind(int code, int bucketCount, int bucketsPerAddressMax) {
    this.code = code;
    this.bucketCount = bucketCount;
    this.bucketsPerAddressMax = bucketsPerAddressMax;
  }

  /** The number written to {@code bucket_type}. */
  public int code() {
    return code;
  }

  /** Bucket indices of this kind run over {@code [0, bucketCount)}. */
  public int bucketCount() {
    return bucketCount;
  }

  public int bucketsPerAddressMax() {
    return bucketsPerAddressMax;
  }

  /** The kind with {@code code}, or {@code null} when the code is neither 1 nor 2. */
  static BucketKind ofCode(long code) {
    for (BucketKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}
